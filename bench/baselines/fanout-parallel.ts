// Bare fan-out baseline: the three calls at once with Promise.allSettled. The ceiling the
// service's fan-out is compared with (bench/README.md, "Scenarios and targets").
import { answer, login, sources, type Input } from './backends.js';
import { baselineApp, listen } from './common.js';

const src = sources(await login());
const app = baselineApp();

app.post('/v1/data-actions/customer-context', async (request) => {
  const startedAt = Date.now();
  const input = request.body as Input;
  const [user, crm, orders] = await Promise.allSettled([src.user(input), src.crm(input), src.orders(input)]);
  return answer(input, user, crm, orders, startedAt);
});

await listen(app);
