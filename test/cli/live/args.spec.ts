/** `nativemesh status` and `nativemesh restart` as a user runs them: help, and every bad input one line, exit 2. */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { parseLiveArgs, RESTART_USAGE, STATUS_USAGE } from "../../../cli/live/args";
import { UsageError } from "../../../cli/inputFiles";

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
                `- name: c\n  cluster:\n    server: https://127.0.0.1:${port}`,
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

/** The same parser in the test runner's process, where a mutant of cli/live/args.ts is active. */
describe("live: parseLiveArgs, the options of status and restart", () => {
    const defaults = { json: false, help: false, dryRun: false, maxUnavailable: 1, timeout: 300 };
    /** The one UsageError line `argv` gives. */
    function refused(argv: string[], command: "status" | "restart", message: string) {
        assert.throws(
            () => parseLiveArgs(argv, command),
            (error: unknown) => error instanceof UsageError && error.message === message,
        );
    }

    it("status with only --kubeconfig takes every default", () => {
        assert.deepEqual(parseLiveArgs(["--kubeconfig", "kc"], "status"), { ...defaults, kubeconfig: "kc" });
    });

    it("reads every status option, separate or with =, and -n for --namespace", () => {
        assert.deepEqual(
            parseLiveArgs(
                ["--kubeconfig", "kc", "--context", "prod", "-n", "apps", "--desired", "out.json", "--json"],
                "status",
            ),
            { ...defaults, kubeconfig: "kc", context: "prod", namespace: "apps", desired: "out.json", json: true },
        );
        assert.deepEqual(
            parseLiveArgs(["--kubeconfig=kc", "--context=-odd-", "--namespace=a", "--desired=d.json"], "status"),
            { ...defaults, kubeconfig: "kc", context: "-odd-", namespace: "a", desired: "d.json" },
        );
    });

    it("reads every restart option", () => {
        assert.deepEqual(
            parseLiveArgs(
                ["--kubeconfig", "kc", "--dry-run", "--max-unavailable", "1", "--timeout=12", "--json"],
                "restart",
            ),
            { ...defaults, kubeconfig: "kc", dryRun: true, maxUnavailable: 1, timeout: 12, json: true },
        );
        assert.deepEqual(parseLiveArgs(["--kubeconfig", "kc", "--max-unavailable=3", "--timeout", "1"], "restart"), {
            ...defaults,
            kubeconfig: "kc",
            maxUnavailable: 3,
            timeout: 1,
        });
    });

    it("--help and -h need no --kubeconfig", () => {
        for (const flag of ["--help", "-h"]) {
            assert.deepEqual(parseLiveArgs([flag], "status"), { ...defaults, help: true });
            assert.deepEqual(parseLiveArgs([flag], "restart"), { ...defaults, help: true });
        }
    });

    it("a value may end in a dash; only a separate value may not start with one", () => {
        assert.equal(parseLiveArgs(["--kubeconfig", "kc-"], "status").kubeconfig, "kc-");
        refused(["--kubeconfig", "-kc"], "status", `--kubeconfig needs a file; ${STATUS_USAGE}`);
    });

    const statusRefusals: Array<[string, string[], string]> = [
        ["no --kubeconfig", [], `--kubeconfig is required; ${STATUS_USAGE}`],
        ["--kubeconfig last, with no value", ["--kubeconfig"], `--kubeconfig needs a file; ${STATUS_USAGE}`],
        ["--kubeconfig= (empty)", ["--kubeconfig="], `--kubeconfig needs a file; ${STATUS_USAGE}`],
        [
            "--context with no value",
            ["--kubeconfig", "kc", "--context"],
            `--context needs a context name; ${STATUS_USAGE}`,
        ],
        ["--context followed by a flag", ["--context", "--json"], `--context needs a context name; ${STATUS_USAGE}`],
        ["--namespace with no value", ["--namespace"], `--namespace needs a namespace; ${STATUS_USAGE}`],
        [
            "--desired with no value",
            ["--desired"],
            `--desired needs a file (pulumi stack output --json); ${STATUS_USAGE}`,
        ],
        ["--dry-run", ["--dry-run"], `--dry-run belongs to nativemesh restart; ${STATUS_USAGE}`],
        [
            "--max-unavailable",
            ["--max-unavailable", "2"],
            `--max-unavailable belongs to nativemesh restart; ${STATUS_USAGE}`,
        ],
        ["--timeout", ["--timeout", "2"], `--timeout belongs to nativemesh restart; ${STATUS_USAGE}`],
        ["--json=yes", ["--kubeconfig", "kc", "--json=yes"], `unknown argument '--json=yes'; ${STATUS_USAGE}`],
        ["--help=yes", ["--help=yes"], `unknown argument '--help=yes'; ${STATUS_USAGE}`],
        ["an unknown flag", ["--jsn"], `unknown argument '--jsn'; ${STATUS_USAGE}`],
        ["-n=apps (no = for short flags)", ["-n=apps"], `unknown argument '-n=apps'; ${STATUS_USAGE}`],
    ];
    for (const [what, argv, message] of statusRefusals)
        it(`status refuses ${what} in one line with its usage`, () => refused(argv, "status", message));

    const restartRefusals: Array<[string, string[], string]> = [
        ["no --kubeconfig", ["--dry-run"], `--kubeconfig is required; ${RESTART_USAGE}`],
        ["--desired", ["--desired", "d.json"], `--desired belongs to nativemesh status; ${RESTART_USAGE}`],
        ["--dry-run=yes", ["--dry-run=yes"], `unknown argument '--dry-run=yes'; ${RESTART_USAGE}`],
        ["--timeout with no value", ["--timeout"], `--timeout needs seconds; ${RESTART_USAGE}`],
        [
            "--max-unavailable with no value",
            ["--max-unavailable"],
            `--max-unavailable needs a number of workloads; ${RESTART_USAGE}`,
        ],
    ];
    for (const [what, argv, message] of restartRefusals)
        it(`restart refuses ${what} in one line with its usage`, () => refused(argv, "restart", message));

    it("the usage lines name each command's own options", () => {
        assert.match(STATUS_USAGE, /^usage: nativemesh status --kubeconfig FILE .*--desired FILE/);
        assert.match(RESTART_USAGE, /^usage: nativemesh restart --kubeconfig FILE .*--dry-run.*--timeout SECONDS/);
    });

    // "+12" and "12 " are numbers to Number() but not whole numbers as typed; 2^53+1 is past a safe integer.
    for (const text of ["0", "5m", "1.5", "+12", "12 ", "0x10", "-1", "9007199254740993"]) {
        it(`--max-unavailable and --timeout refuse '${text}', naming the flag and what is allowed`, () => {
            refused(
                ["--kubeconfig", "kc", `--max-unavailable=${text}`],
                "restart",
                `--max-unavailable needs a number of workloads, a whole number from 1 (got '${text}')`,
            );
            refused(
                ["--kubeconfig", "kc", `--timeout=${text}`],
                "restart",
                `--timeout needs seconds, a whole number from 1 (got '${text}')`,
            );
        });
    }

    it("a namespace is a DNS-1123 label of at most 63 characters", () => {
        for (const ns of ["a", "7", "a-b", "x".repeat(63)])
            assert.equal(parseLiveArgs(["--kubeconfig", "kc", "-n", ns], "status").namespace, ns);
        // Given with `=`, a value may start with a dash, so "-apps" reaches the namespace check.
        const bad: Array<[string, string[]]> = [
            ["-n", ["-n", "Apps"]],
            ["--namespace", ["--namespace=-apps"]],
            ["--namespace", ["--namespace", "_apps"]],
            ["--namespace", ["--namespace", "apps-"]],
            ["--namespace", ["--namespace", "apps_"]],
            ["--namespace", ["--namespace", "a.b"]],
            ["--namespace", ["--namespace", "x".repeat(64)]],
        ];
        for (const [flag, argv] of bad) {
            const ns = argv.length === 2 ? argv[1] : argv[0].slice("--namespace=".length);
            refused(
                ["--kubeconfig", "kc", ...argv],
                "status",
                `${flag}: '${ns}' is not a namespace name (a DNS-1123 label)`,
            );
        }
    });
});
