/** `nativemesh status` and `nativemesh restart` as a user runs them: help, and every bad input one line, exit 2. */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..", "..");

function cli(args: string[]) {
    const r = spawnSync(process.execPath, ["--require", "tsx/cjs", path.join(ROOT, "cli", "main.ts"), ...args], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 60_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function oneLine(r: ReturnType<typeof cli>, expected: RegExp) {
    assert.equal(r.status, 2, r.stdout + r.stderr);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], expected);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.equal(r.stdout, "");
}

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
}

describe("live: nativemesh status / restart on the command line", () => {
    let tmp: string;
    let kubeconfig: string;
    let port: number;
    before(async () => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nativemesh-live-cli-"));
        port = await closedPort();
        kubeconfig = path.join(tmp, "kubeconfig");
        fs.writeFileSync(
            kubeconfig,
            [
                "apiVersion: v1",
                "kind: Config",
                "clusters:",
                `- name: c\n  cluster:\n    server: https://127.0.0.1:${port}\n    insecure-skip-tls-verify: true`,
                "users:\n- name: u\n  user:\n    token: t",
                "contexts:\n- name: one\n  context:\n    cluster: c\n    user: u\n- name: two\n  context:\n    cluster: c\n    user: u",
                "current-context: one",
                "",
            ].join("\n"),
        );
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    for (const command of ["status", "restart"]) {
        it(`${command} --help prints its usage and options, exit 0`, () => {
            const r = cli([command, "--help"]);
            assert.equal(r.status, 0, r.stderr);
            assert.match(r.stdout, new RegExp(`^usage: nativemesh ${command} --kubeconfig FILE`));
            assert.match(r.stdout, /Exit codes: 0 .*, 1 .*, 2 bad input/);
            if (command === "restart")
                assert.match(r.stdout, /--max-unavailable N[\s\S]*--timeout SECONDS[\s\S]*--dry-run/);
        });
    }

    it("the top-level help lists both commands", () => {
        const r = cli(["--help"]);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /nativemesh status --kubeconfig FILE/);
        assert.match(r.stdout, /nativemesh restart --kubeconfig FILE .*--dry-run/);
    });

    const bad: Array<[string, string[], RegExp]> = [
        ["no --kubeconfig", ["status"], /--kubeconfig is required; usage: nativemesh status/],
        ["an unknown option", ["status", "--kubeconfig", "x", "--jsn"], /unknown argument '--jsn'/],
        [
            "a restart option given to status",
            ["status", "--kubeconfig", "x", "--dry-run"],
            /--dry-run belongs to nativemesh restart/,
        ],
        ["--context without a value", ["status", "--kubeconfig", "x", "--context"], /--context needs a context name/],
        [
            "a bad namespace name",
            ["status", "--kubeconfig", "x", "--namespace", "Apps_1"],
            /'Apps_1' is not a namespace name/,
        ],
        [
            "--max-unavailable 0",
            ["restart", "--kubeconfig", "x", "--max-unavailable", "0"],
            /--max-unavailable needs .*got '0'/,
        ],
        [
            "--timeout not a number",
            ["restart", "--kubeconfig", "x", "--timeout", "5m"],
            /--timeout needs seconds.*got '5m'/,
        ],
        [
            "a kubeconfig that does not exist",
            ["status", "--kubeconfig", "/nonexistent/kubeconfig"],
            /^nativemesh: \/nonexistent\/kubeconfig: cannot read the kubeconfig \(no such file\)$/,
        ],
    ];
    for (const [what, args, expected] of bad) it(`${what}: one line, exit 2`, () => oneLine(cli(args), expected));

    it("a file that is not a kubeconfig: one line, exit 2", () => {
        const file = path.join(tmp, "not-yaml");
        fs.writeFileSync(file, "clusters: [unclosed\n");
        oneLine(cli(["status", "--kubeconfig", file]), /not-yaml: not a usable kubeconfig/);
    });

    it("an unknown context names the ones there are: one line, exit 2", () =>
        oneLine(
            cli(["status", "--kubeconfig", kubeconfig, "--context", "three"]),
            /no context 'three' \(contexts: one, two\)/,
        ));

    it("an unreachable API server is named by its URL: one line, exit 2", () => {
        oneLine(
            cli(["status", "--kubeconfig", kubeconfig]),
            new RegExp(`cannot reach the API server at https://127.0.0.1:${port} \\(ECONNREFUSED\\)`),
        );
        oneLine(
            cli(["restart", "--kubeconfig", kubeconfig, "--context", "two", "--dry-run"]),
            /cannot reach the API server at https:\/\/127\.0\.0\.1:\d+/,
        );
    });
});
