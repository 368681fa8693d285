// Uses 'routilux/testing': RoutineTester on a built-in instance (also failed with TS2345).
import { Mapper } from 'routilux/builtins';
import { RoutineTester, TestClock } from 'routilux/testing';

const tester = RoutineTester.create(new Mapper({ mappings: { id: 'order.id' } }), { clock: new TestClock() });
const run = await tester.send('input', { order: { id: 7 } });
const emitted = run.emitsOf(tester.routineId, 'output');
await tester.close();
if (JSON.stringify(emitted[0]?.['data']) !== '{"id":7}') throw new Error(`unexpected: ${JSON.stringify(emitted)}`);
console.log('OK ./testing', JSON.stringify(emitted[0]?.['data']));
