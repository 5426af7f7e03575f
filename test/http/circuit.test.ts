import { afterAll, beforeAll, expect, it } from 'vitest';
import { dataActionApp, startSimulator, type Simulator } from '../data-actions/helpers.js';
import { manualClock } from '../helpers/clock.js';

// The per-source circuit breaker: open after CIRCUIT_FAILURE_THRESHOLD failures in a row (no
// backend call while open), one probe after CIRCUIT_RESET_MS, closed again when it succeeds.
// The app runs on a clock the test moves, so the reset is exact.

let sim: Simulator;
beforeAll(async () => { sim = await startSimulator(); });
afterAll(async () => sim.close());

it('opens, answers unavailable without calling the backend, probes half-open at the reset, and closes', async () => {
  const { clock, advance } = manualClock();
  const { app, post, metric } = await dataActionApp(sim, {
    CIRCUIT_FAILURE_THRESHOLD: '2', CIRCUIT_RESET_MS: '300', CRM_RETRY_ATTEMPTS: '1',
  }, { clock });
  const crm = async (customerId = 'c-1') => (await post('crm-account', { customerId })).json().crm;
  const circuit = () => metric('circuit_state', { source: 'crm' });
  sim.setFault('crm', { kind: 'status', status: 500 });

  expect((await crm()).status).toBe('error');
  expect((await crm()).status).toBe('error');
  expect(await circuit()).toBe(2);
  expect(await crm())
    .toMatchObject({ status: 'unavailable', error: 'crm is failing, calls are paused (circuit open)' });
  expect(sim.hits('crm')).toBe(2);

  // Still open 1 ms before the reset; then one probe reaches the backend, fails, and reopens it.
  await advance(299);
  expect((await crm()).status).toBe('unavailable');
  expect(sim.hits('crm')).toBe(2);
  await advance(1);
  expect((await crm()).status).toBe('error');
  expect(sim.hits('crm')).toBe(3);
  expect((await crm()).status).toBe('unavailable');
  expect(sim.hits('crm')).toBe(3);

  // The next probe succeeds and closes the circuit.
  sim.clearFaults();
  await advance(300);
  expect((await crm()).status).toBe('ok');
  expect(await circuit()).toBe(0);
  expect((await crm('c-2')).status).toBe('ok');
  expect(sim.hits('crm')).toBe(5);
  await app.close();
});
