// Uses 'routilux/nest' in a Nest application context, and checks that routilux and the app
// load one and the same @nestjs/core (a second copy breaks dependency injection).
import { createRequire } from 'node:module';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Routine, RoutineBase, Runtime, type FlowDefinition } from 'routilux';
import { InjectRuntime, RoutiluxModule } from 'routilux/nest';

@Routine({ name: 'consumer.Echo' })
class Echo extends RoutineBase {
  constructor() {
    super();
    this.defineSlot('trigger', (data: Record<string, unknown>) => this.sendOutput('echo', data));
  }
}
const echoFlow: FlowDefinition = { name: 'echo', routines: { echo: Echo } };

@Injectable()
class EchoService {
  constructor(@InjectRuntime() readonly runtime: Runtime) {}
}

@Module({ imports: [RoutiluxModule.forRoot({ flows: [echoFlow] })], providers: [Echo, EchoService] })
class AppModule {}

const require = createRequire(import.meta.url);
const fromApp = require.resolve('@nestjs/core');
const fromRoutilux = createRequire(require.resolve('routilux/package.json')).resolve('@nestjs/core');
if (fromApp !== fromRoutilux) throw new Error(`two copies of @nestjs/core: ${fromApp} and ${fromRoutilux}`);

const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
const service = app.get(EchoService);
const job = service.runtime.exec('echo', { entryParams: { said: 'hi' } });
await service.runtime.waitUntilAllJobsFinished(10_000);
await app.close();
if (job.status !== 'completed' || JSON.stringify(job.outputLog[0]?.data) !== '{"said":"hi"}') throw new Error(`unexpected: ${job.status}`);
console.log('OK ./nest one @nestjs/core');
