/** `npm run e2e:down`: stops everything `E2E_KEEP=1 npm run e2e` left running (cluster, kwok, istiod). */
import { running, stopAll } from "./lib/processes";

const names = running();
stopAll();
process.stdout.write(names.length > 0 ? `stopped: ${names.join(", ")}\n` : "nothing was running\n");
