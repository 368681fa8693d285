import { Module } from '@nestjs/common';
import { RoutiluxModule } from 'routilux/nest';
import { ChargePayment, OrderIntake, StoreOrder } from './order.routines.js';
import { OrderRepository } from './order.repository.js';
import { ordersFlow } from './orders.flow.js';
import { OrdersService } from './orders.service.js';
import { FakePaymentGateway, PaymentClient } from './payment-client.js';

/** Routines are ordinary providers; the flow is declared with forFeature and injected by name. */
@Module({
  imports: [RoutiluxModule.forFeature({ flows: [ordersFlow] })],
  providers: [OrderRepository, { provide: PaymentClient, useClass: FakePaymentGateway }, OrderIntake, ChargePayment, StoreOrder, OrdersService],
  exports: [OrdersService],
})
export class OrdersModule {}
