import { Module } from '@nestjs/common';
import { RoutiluxModule } from 'routilux/nest';
import { OrdersModule } from './orders/orders.module.js';

/** One runtime for the whole application; running orders get 2 s to finish when it closes. */
@Module({
  imports: [RoutiluxModule.forRoot({ concurrency: 4, shutdown: { drainTimeout: 2000, grace: 500 } }), OrdersModule],
})
export class AppModule {}
