import { Module, type DynamicModule } from '@nestjs/common';
import { RoutiluxHttpMount, ROUTILUX_HTTP_OPTIONS } from './routilux-http-mount.service.js';
import { resolveHttpOptions, type RoutiluxHttpOptions } from './routilux-http-options.js';

/**
 * The routilux HTTP API and WebSocket (services.md §5) inside a Nest application, on the
 * runtime of the app's `RoutiluxModule`. Same routes, auth, limits and errors as
 * `createServer`, mounted under `prefix` on the app's own HTTP server (Express or Fastify
 * platform).
 *
 * @example
 * \@Module({ imports: [RoutiluxModule.forRoot(), RoutiluxHttpModule.forRoot({ apiKeys: [process.env.API_KEY!] })] })
 * class AppModule {}
 * const app = await NestFactory.create(AppModule);
 * await app.listen(3000);   // POST http://localhost:3000/api/v1/flows/:name/jobs …
 */
@Module({})
export class RoutiluxHttpModule {
  /** Mounts the API; options are checked now (a bad one throws `INVALID_ARGUMENT`). */
  static forRoot(options: RoutiluxHttpOptions = {}): DynamicModule {
    const resolved = resolveHttpOptions(options);
    return {
      module: RoutiluxHttpModule,
      providers: [{ provide: ROUTILUX_HTTP_OPTIONS, useValue: resolved }, RoutiluxHttpMount],
    };
  }
}
