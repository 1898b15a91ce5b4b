/** Connecting to the API server: one that never answers is named, not waited for. */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { connect } from "../../../components/live/cluster";
import { survey } from "../../../cli/live/survey";
import { runRestart } from "../../../cli/live/restart";
import { runStatus } from "../../../cli/live/status";
import { bigCluster, fakeApi, io } from "../../support/fakeKubeApi";

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

/** Control characters a terminal acts on (C0 but line feed, DEL, C1). */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe("live: what the API server says is bounded", () => {
    for (const [what, body] of [
        ["a Status message", JSON.stringify({ kind: "Status", code: 500, message: "boom\n\u001b[2Jforged\r\nline" })],
        ["a plain-text body", "boom\n\u001b[2Jforged\r\nline\n"],
    ] as const) {
        it(`server error text (${what}) becomes one line, escaped`, async () => {
            const cluster = bigCluster();
            cluster.raw = new Map([["/api/v1/namespaces", { code: 500, body }]]);
            const api = await fakeApi(cluster);
            try {
                const conn = await connect({ kubeconfig: api.kubeconfig });
                await assert.rejects(survey(conn), (e: Error) => {
                    assert.equal(e.name, "UsageError");
                    assert.ok(!e.message.includes("\n"), e.message);
                    assert.doesNotMatch(e.message, RAW_CONTROL);
                    assert.match(
                        e.message,
                        /listing namespaces at http:\S+ failed \(500: boom \\x1b\[2Jforged line\)$/,
                    );
                    return true;
                });
            } finally {
                api.close();
            }
        });
    }

    it("an answer larger than the cap is not read", async () => {
        const api = await fakeApi(bigCluster());
        try {
            const conn = await connect({ kubeconfig: api.kubeconfig, maxResponseBytes: 4096 });
            await assert.rejects(
                survey(conn),
                /the answer to GET \/api\/v1\/\S+ at http:\S+ is larger than 4096 bytes: not read/,
            );
            // The default cap lets the same cluster be read.
            await survey(await connect({ kubeconfig: api.kubeconfig }));
        } finally {
            api.close();
        }
    });
});

describe("live: a kubeconfig that weakens the connection is warned about", () => {
    it("a plain http:// server: one warning line on stderr from status and from restart", async () => {
        const api = await fakeApi(bigCluster());
        try {
            const runs: Array<[typeof runStatus, string[]]> = [
                [runStatus, ["--kubeconfig", api.kubeconfig, "--namespace", "apps-4"]],
                [runRestart, ["--kubeconfig", api.kubeconfig, "--namespace", "apps-4", "--dry-run"]],
            ];
            for (const [command, args] of runs) {
                const { out, io: sink } = io();
                await command(args, sink);
                const warnings = out.stderr.split("\n").filter((l) => l.startsWith("warning: "));
                assert.equal(warnings.length, 1, out.stderr);
                assert.match(
                    warnings[0],
                    /^warning: \S+kubeconfig: cluster 'fake' is served over plain http \(http:\/\/127\.0\.0\.1:\d+\): requests and credentials travel unencrypted$/,
                );
            }
        } finally {
            api.close();
        }
    });

    it("insecure-skip-tls-verify and an exec plugin (naming its command), one line each; a sound one none", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nativemesh-live-kc-"));
        const write = (cluster: string, user: string) => {
            const file = path.join(dir, `kubeconfig-${fs.readdirSync(dir).length}`);
            fs.writeFileSync(
                file,
                [
                    "apiVersion: v1",
                    "kind: Config",
                    `clusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:6443\n${cluster}`,
                    `users:\n- name: u\n  user:\n${user}`,
                    "contexts:\n- name: x\n  context:\n    cluster: c\n    user: u",
                    "current-context: x",
                    "",
                ].join("\n"),
            );
            return file;
        };
        try {
            const exec = [
                "    exec:",
                "      apiVersion: client.authentication.k8s.io/v1beta1",
                "      command: /usr/local/bin/steal",
                '      args: [--all, "\\e]0;x"]',
            ].join("\n");
            const weak = await connect({ kubeconfig: write("    insecure-skip-tls-verify: true", exec) });
            assert.equal(weak.warnings.length, 2, weak.warnings.join("\n"));
            assert.match(
                weak.warnings[0],
                /cluster 'c' has insecure-skip-tls-verify: true: the API server's certificate is not checked/,
            );
            assert.match(
                weak.warnings[1],
                /user 'u' gets its credentials by running: \/usr\/local\/bin\/steal --all \\x1b\]0;x$/,
            );
            const sound = await connect({ kubeconfig: write("    certificate-authority-data: Y2E=", "    token: t") });
            assert.deepEqual(sound.warnings, []);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
