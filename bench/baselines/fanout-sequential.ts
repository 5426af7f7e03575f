// Sequential fan-out baseline: the same three calls one after the other, i.e. what a naive
// implementation costs (about three backend latencies per request instead of one).
import { answer, login, sources, type Input } from './backends.js';
import { baselineApp, listen } from './common.js';

const src = sources(await login());
const app = baselineApp();

const settle = async <T>(p: () => Promise<T>): Promise<PromiseSettledResult<T>> => {
  try {
    return { status: 'fulfilled', value: await p() };
  } catch (reason) {
    return { status: 'rejected', reason };
  }
};

app.post('/v1/data-actions/customer-context', async (request) => {
  const startedAt = Date.now();
  const input = request.body as Input;
  const user = await settle(() => src.user(input));
  const crm = await settle(() => src.crm(input));
  const orders = await settle(() => src.orders(input));
  return answer(input, user, crm, orders, startedAt);
});

await listen(app);
