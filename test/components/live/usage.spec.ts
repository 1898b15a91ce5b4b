/**
 * components/live/usage.ts in the test runner's process: the one-line UsageError a user sees for each input file
 * that cannot be used, standard input, policy configs and `--flag=value`. The FIFO, /dev/zero and INIT_CWD cases
 * are in test/cli/inputFiles.spec.ts (through cli/inputFiles' re-export).
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
// The module object itself (esModuleInterop's default), so that a test can stand in for standard input or fstat
// where usage.ts reads them.
import fs from "node:fs";
import * as path from "node:path";
import {
    invocationDir,
    readJsonFile,
    readPolicyConfig,
    readTextFile,
    splitFlag,
    STDIN,
    UsageError,
} from "../../../components/live/usage";
import { tempDir } from "../../support/tempDir";

/** `fn` must throw a UsageError with exactly `message`, named so (the CLI tells a usage error, exit 2, by its name). */
function refuses(fn: () => unknown, message: string) {
    assert.throws(fn, (error: unknown) => {
        assert.ok(error instanceof UsageError, String(error));
        assert.equal(error.name, "UsageError");
        assert.equal(error.message, message);
        return true;
    });
}

/** Runs `fn` with `fs[name]` replaced, then puts it back. */
function withStub<K extends "readFileSync" | "fstatSync" | "openSync">(name: K, stub: unknown, fn: () => void) {
    const real = fs[name];
    (fs as unknown as Record<string, unknown>)[name] = stub;
    try {
        fn();
    } finally {
        (fs as unknown as Record<string, unknown>)[name] = real;
    }
}

/** Standard input (fd 0) reads as `stdin`: its bytes (text only when an encoding is asked for, as readFileSync
 *  gives them), or an error to throw. */
function withStdin(stdin: string | Error, fn: () => void) {
    const real = fs.readFileSync;
    withStub(
        "readFileSync",
        (file: unknown, ...rest: unknown[]) => {
            if (file !== 0) return (real as (...a: unknown[]) => unknown)(file, ...rest);
            if (stdin instanceof Error) throw stdin;
            const options = rest[0];
            const encoding =
                typeof options === "string" ? options : (options as { encoding?: string } | undefined)?.encoding;
            const bytes = Buffer.from(stdin, "utf8");
            return encoding ? bytes.toString(encoding as BufferEncoding) : bytes;
        },
        fn,
    );
}

const openFds = () => fs.readdirSync("/proc/self/fd").length;

describe("components/live/usage: what a user is told about the files they give", () => {
    it("reads a regular file's text, a relative path from the working directory, and closes it", () => {
        const dir = tempDir("usage");
        const file = path.join(dir, "state.json");
        fs.writeFileSync(file, '{"a": 1}\n');
        const before = openFds();
        assert.equal(readTextFile(file, "state file"), '{"a": 1}\n');
        assert.equal(readTextFile(path.relative(process.cwd(), file), "state file"), '{"a": 1}\n');
        assert.equal(openFds(), before);
    });

    it("closes the file it refused, too", () => {
        const before = openFds();
        assert.throws(() => readTextFile("/dev/null", "state file"), UsageError);
        assert.equal(openFds(), before);
    });

    it("an empty or blank file is refused, naming it", () => {
        const dir = tempDir("usage");
        for (const text of ["", " \n\t\n"]) {
            const file = path.join(dir, "blank.json");
            fs.writeFileSync(file, text);
            refuses(() => readTextFile(file, "state file"), `${file}: the state file is empty`);
        }
    });

    it("a missing file, a directory and a path through a file each say why", () => {
        const dir = tempDir("usage");
        const file = path.join(dir, "plain");
        fs.writeFileSync(file, "x");
        refuses(
            () => readTextFile(path.join(dir, "absent.json"), "stack file"),
            `${path.join(dir, "absent.json")}: cannot read the stack file (no such file)`,
        );
        refuses(() => readTextFile(dir, "stack file"), `${dir}: cannot read the stack file (is a directory)`);
        refuses(
            () => readTextFile(path.join(file, "x"), "stack file"),
            `${path.join(file, "x")}: cannot read the stack file (ENOTDIR)`,
        );
    });

    it("an error without a code is 'cannot read'", () => {
        withStub(
            "openSync",
            () => {
                throw new Error("odd");
            },
            () =>
                refuses(() => readTextFile("f.json", "stack file"), "f.json: cannot read the stack file (cannot read)"),
        );
    });

    it("a special file is named by its kind, and where - is allowed the error says so", () => {
        const dir = tempDir("usage");
        const fifo = path.join(dir, "in.fifo");
        assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
        refuses(
            () => readTextFile(fifo, "state file", { stdin: true }),
            `${fifo}: the state file must be a regular file (this is a FIFO); give - for standard input`,
        );
        refuses(
            () => readTextFile("/dev/null", "state file", { stdin: false }),
            "/dev/null: the state file must be a regular file (this is a character device)",
        );
        const kinds: Array<[string, string]> = [
            ["isBlockDevice", "block device"],
            ["isSocket", "socket"],
            ["none", "special file"],
        ];
        for (const [is, kind] of kinds) {
            const stat = Object.fromEntries(
                ["isDirectory", "isFile", "isFIFO", "isCharacterDevice", "isBlockDevice", "isSocket"].map((m) => [
                    m,
                    () => m === is,
                ]),
            );
            withStub(
                "fstatSync",
                () => stat,
                () =>
                    refuses(
                        () => readTextFile(fifo, "state file"),
                        `${fifo}: the state file must be a regular file (this is a ${kind})`,
                    ),
            );
        }
    });

    it("- is standard input only where the command allows it", () => {
        assert.equal(STDIN, "-");
        withStdin('{"b": 2}', () => {
            assert.equal(readTextFile("-", "state file", { stdin: true }), '{"b": 2}');
            assert.deepEqual(readJsonFile("-", "state file", { stdin: true }), { b: 2 });
            // Elsewhere `-` is a file name like any other.
            const cwd = process.cwd();
            process.chdir(tempDir("usage"));
            try {
                refuses(() => readTextFile("-", "state file"), "-: cannot read the state file (no such file)");
            } finally {
                process.chdir(cwd);
            }
        });
    });

    it("standard input that is blank or cannot be read is one line naming standard input", () => {
        withStdin(" \n", () =>
            refuses(() => readTextFile("-", "state file", { stdin: true }), "standard input: the state file is empty"),
        );
        withStdin(Object.assign(new Error("again"), { code: "EAGAIN" }), () =>
            refuses(
                () => readTextFile("-", "state file", { stdin: true }),
                "standard input: cannot read the state file (EAGAIN)",
            ),
        );
        withStdin(new Error("odd"), () =>
            refuses(
                () => readTextFile("-", "state file", { stdin: true }),
                "standard input: cannot read the state file (cannot read)",
            ),
        );
    });

    it("text that is not JSON names the file or standard input and the parser's first line", () => {
        const dir = tempDir("usage");
        const file = path.join(dir, "state.json");
        fs.writeFileSync(file, "{nope\n}");
        let why = "";
        try {
            JSON.parse("{nope\n}");
        } catch (error) {
            why = (error as Error).message.split("\n")[0];
        }
        refuses(() => readJsonFile(file, "state file"), `${file}: the state file is not JSON (${why})`);
        withStdin("{nope\n}", () =>
            refuses(
                () => readJsonFile("-", "state file", { stdin: true }),
                `standard input: the state file is not JSON (${why})`,
            ),
        );
    });

    it("a policy config must be a JSON object", () => {
        const dir = tempDir("usage");
        const file = path.join(dir, "policy.json");
        fs.writeFileSync(file, '{"all": "advisory"}');
        assert.deepEqual(readPolicyConfig(file), { all: "advisory" });
        for (const text of ["null", "3", '"all"', "[]", "true"]) {
            fs.writeFileSync(file, text);
            refuses(
                () => readPolicyConfig(file),
                `${file}: the policy config must be a JSON object like {"all": "mandatory", "<policy>": {...}}`,
            );
        }
        fs.writeFileSync(file, "");
        refuses(() => readPolicyConfig(file), `${file}: the policy config is empty`);
    });

    it("splits --flag=value at the first =, and nothing else", () => {
        assert.deepEqual(splitFlag("--kubeconfig=a=b"), ["--kubeconfig", "a=b"]);
        assert.deepEqual(splitFlag("--json="), ["--json", ""]);
        assert.deepEqual(splitFlag("--json"), ["--json", undefined]);
        assert.deepEqual(splitFlag("-n=apps"), ["-n=apps", undefined]);
        assert.deepEqual(splitFlag("a=--b"), ["a=--b", undefined]);
    });

    it("takes the user's folder from INIT_CWD only under a script that runs nativemesh", () => {
        const mine = "/somewhere/the/user/was";
        const ours = [
            "nativemesh",
            "  nativemesh status ",
            "node nativemesh.js",
            "node  ./cli/nativemesh.js restart",
            "node\tcli/nativemesh.js",
        ];
        for (const script of ours)
            assert.equal(invocationDir({ npm_lifecycle_script: script, INIT_CWD: mine }), mine, script);
        const others = ["echo nativemesh", "nativemeshx", "node cli/nativemesh.jsx", "mocha", ""];
        for (const script of others)
            assert.equal(invocationDir({ npm_lifecycle_script: script, INIT_CWD: mine }), process.cwd(), script);
        assert.equal(invocationDir({ INIT_CWD: mine }), process.cwd());
        assert.equal(invocationDir({ npm_lifecycle_script: "nativemesh", INIT_CWD: "" }), process.cwd());
    });
});
