/**
 * The port istiod's webhooks listen on: fixed by stacks/Pulumi.local.yaml (the injection and validation URLs are
 * https://127.0.0.1:PORT/..., written into the webhook configurations the charts render), so a second testbed
 * on the same machine cannot take it. Its canary would then be answered by the first testbed's istiod and fail
 * with x509 errors; the run refuses at start instead.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { parse } from "yaml";
import { ROOT } from "./env";

/** The port of `mesh.istiodValues.istiodRemote.injectionURL` in the local stack file. */
export function localWebhookPort(file = path.join(ROOT, "stacks", "Pulumi.local.yaml")): number {
    const doc = parse(fs.readFileSync(file, "utf8")) as {
        config?: { "nativemesh:mesh"?: { istiodValues?: { istiodRemote?: { injectionURL?: string } } } };
    };
    const url = doc.config?.["nativemesh:mesh"]?.istiodValues?.istiodRemote?.injectionURL;
    if (url === undefined) throw new Error(`${file}: no nativemesh:mesh.istiodValues.istiodRemote.injectionURL`);
    return Number(new URL(url).port || 443);
}

/** Whether something already listens on 127.0.0.1:port (a listen there fails with EADDRINUSE). */
export function portTaken(port: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", (err: NodeJS.ErrnoException) => (err.code === "EADDRINUSE" ? resolve(true) : reject(err)));
        server.listen(port, "127.0.0.1", () => server.close(() => resolve(false)));
    });
}

/** The line the run stops with when the port is taken. */
export function portTakenMessage(port: number): string {
    return (
        `127.0.0.1:${port}, istiod's webhook port (stacks/Pulumi.local.yaml mesh.istiodValues.istiodRemote.injectionURL), ` +
        "is taken: another testbed (or program) listens there, and this run's webhooks would reach it. Stop it " +
        "(`npm run e2e:down` in the checkout that started it) and run again"
    );
}
