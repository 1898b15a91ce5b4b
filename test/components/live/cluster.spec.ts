/** Connecting to the API server: one that never answers is named, not waited for. */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { connect } from "../../../components/live/cluster";
import { survey } from "../../../cli/live/survey";
import { bigCluster, fakeApi } from "../../support/fakeKubeApi";

describe("live: the API server connection", () => {
    it("a server that never answers is named, not waited for", async () => {
        const server = http.createServer(() => undefined);
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const port = (server.address() as { port: number }).port;
        const api = await fakeApi(bigCluster());
        const hanging = path.join(path.dirname(api.kubeconfig), "hanging");
        fs.writeFileSync(hanging, fs.readFileSync(api.kubeconfig, "utf8").replace(/:\d+\n/, `:${port}\n`));
        try {
            const conn = await connect({ kubeconfig: hanging, requestTimeoutMs: 300 });
            await assert.rejects(survey(conn), (e: Error) => {
                assert.equal(e.name, "UsageError");
                assert.match(
                    e.message,
                    new RegExp(`cannot reach the API server at http://127.0.0.1:${port}: no answer`),
                );
                return true;
            });
        } finally {
            server.closeAllConnections();
            server.close();
            api.close();
        }
    });
});
