import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dataActionApp, startSimulator, type Simulator } from '../data-actions/helpers.js';

// The per-source circuit breaker: open after CIRCUIT_FAILURE_THRESHOLD failures in a row (no
// backend call while open), one probe after CIRCUIT_RESET_MS, closed again when it succeeds.

let sim: Simulator;
beforeAll(async () => { sim = await startSimulator(); });
afterAll(async () => sim.close());

it('opens, answers unavailable without calling the backend, probes half-open, and closes', async () => {
  const { app, post, metric } = await dataActionApp(sim, {
    CIRCUIT_FAILURE_THRESHOLD: '2', CIRCUIT_RESET_MS: '300', CRM_RETRY_ATTEMPTS: '1',
  });
  const crm = async (customerId = 'c-1') => (await post('crm-account', { customerId })).json().crm;
  const circuit = () => metric('circuit_state', { source: 'crm' });
  sim.setFault('crm', { kind: 'status', status: 500 });

  expect((await crm()).status).toBe('error');
  expect((await crm()).status).toBe('error');
  expect(await circuit()).toBe(2);
  expect(await crm()).toMatchObject({ status: 'unavailable', error: 'crm is failing, calls are paused (circuit open)' });
  expect(sim.hits('crm')).toBe(2);

  // Half-open: one probe reaches the backend; it fails, so the circuit opens again at once.
  await sleep(350);
  expect((await crm()).status).toBe('error');
  expect(sim.hits('crm')).toBe(3);
  expect((await crm()).status).toBe('unavailable');
  expect(sim.hits('crm')).toBe(3);

  // The next probe succeeds and closes the circuit.
  sim.clearFaults();
  await sleep(350);
  expect((await crm()).status).toBe('ok');
  expect(await circuit()).toBe(0);
  expect((await crm('c-2')).status).toBe('ok');
  expect(sim.hits('crm')).toBe(5);
  await app.close();
});
