// The shell reader (policy/shell.ts): which commands a script runs, with which words, and what the files it
// writes hold when a later command reads them. Where sh itself can answer, the table's expectation is checked
// against a real `sh` run of the same script (the programs replaced by a recorder).

import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { readShell, shown } from "../../policy/shell";
import { tempDir } from "../support/tempDir";

/** Each run of `p` as its words, unknown parts shown as written. */
function runsOfP(script: string, environment?: Record<string, unknown>): string[][] {
    return readShell(script, { environment })
        .invocations.filter((invocation) => invocation.name === "p")
        .map((invocation) => invocation.args.map((arg) => shown(arg.text)));
}

/** What a real sh passes to `p`: p is a function printing its words, one line each, NUL-separated. */
function realRunsOfP(script: string, environment: Record<string, string> = {}): string[][] {
    const dir = tempDir("shell");
    const recorder = path.join(dir, "p");
    fs.writeFileSync(recorder, '#!/bin/sh\nfor a in "$@"; do printf "%s\\001" "$a"; done; printf "\\n"\n', {
        mode: 0o755,
    });
    const result = spawnSync("sh", ["-c", script], {
        cwd: dir,
        encoding: "utf8",
        env: { PATH: `${dir}:${process.env.PATH}`, ...environment },
    });
    return result.stdout
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => line.split("\u0001").slice(0, -1));
}

describe("shell reader: commands and their words", () => {
    // [what, script, environment, expected words of each run of p] — all known, so a real sh must agree.
    const known: Array<[string, string, Record<string, string>, string[][]]> = [
        ["quotes and escapes", `p 'a b' "c d" e\\ f`, {}, [["a b", "c d", "e f"]]],
        ["a variable assigned earlier", `x=1; p "$x" \${x}y`, {}, [["1", "1y"]]],
        ["field splitting of an unquoted variable", `x="a  b"; p $x "$x"`, {}, [["a", "b", "a  b"]]],
        ["the environment", `p "$E"`, { E: "from env" }, [["from env"]]],
        ["&&, ||, ; and newlines", `p 1 && p 2 || p 3; p 4\np 5`, {}, [["1"], ["2"], ["4"], ["5"]]],
        ["a subshell and a group", `(p 1 2>/dev/null; p 2) ; { p 3; }`, {}, [["1"], ["2"], ["3"]]],
        ["a subshell's variable stays inside", `x=1; (x=2; p "$x"); p "$x"`, {}, [["2"], ["1"]]],
        ["a redirection before the command", `2>/dev/null p 1; p 2`, {}, [["1"], ["2"]]],
        ["sh -c with an exported variable", `export X=1; Y=2; sh -c 'p "$X"'`, {}, [["1"]]],
        ["eval of a known text", `cmd='p a'; eval "$cmd b"`, {}, [["a", "b"]]],
        ["a default for an unset variable", `x=; p "\${x:-d}" "\${x-e}"`, {}, [["d", ""]]],
        ["env and a wrapper", `env A=1 p x; command p y`, {}, [["x"], ["y"]]],
        ["a comment", `p a # p b`, {}, [["a"]]],
        ["case with patterns", `case x in a|b) p no;; x*) p yes;; esac`, {}, [["yes"]]],
    ];
    for (const [what, script, environment, expected] of known) {
        it(`${what} (as sh runs it)`, () => {
            // The reader lists every branch that may run; sh runs one. Compare only where no branch is involved.
            if (!script.startsWith("case") && !script.includes("||"))
                assert.deepEqual(realRunsOfP(script, environment), expected);
            const read = runsOfP(script, environment);
            if (script.startsWith("case")) assert.deepEqual(read, [["no"], ["yes"]]);
            else if (script.includes("||")) assert.deepEqual(read, [["1"], ["2"], ["3"], ["4"], ["5"]]);
            else assert.deepEqual(read, expected);
        });
    }

    it("$'...' is read as bash reads it (dash, a common /bin/sh, does not)", () => {
        assert.deepEqual(runsOfP(`p $'a\\tb'`), [["a\tb"]]);
    });

    it("a child shell sees only exported variables: one it does not see may come from the process", () => {
        assert.deepEqual(runsOfP(`Y=2; sh -c 'p "$Y"'`), [["$Y"]]);
    });

    it("an unset variable, $(...) and read stay unknown, named as written", () => {
        assert.deepEqual(runsOfP(`read v; p "$U" "$(date)" "$v"`), [["$U", "$(date)", "(what read reads into v)"]]);
    });

    it("an unquoted unknown expansion may split: the word is marked", () => {
        const [invocation] = readShell(`p $U "$U"`).invocations;
        assert.deepEqual(
            invocation.args.map((arg) => arg.splits),
            [true, false],
        );
    });

    it("a variable assigned in a branch is unknown after it", () => {
        assert.deepEqual(runsOfP(`x=1; if test -n "$A"; then x=2; fi; p "$x"`).at(-1)?.[0].startsWith("$x"), true);
    });

    it("what the reader cannot follow is an issue: eval of an unknown text, a sourced file, bad syntax, depth", () => {
        assert.deepEqual(readShell(`eval "$X"`).issues, ["runs `eval $X`, whose text is not known before it runs"]);
        assert.match(readShell(`. ./env.sh`).issues[0], /sources \.\/env\.sh/);
        assert.match(readShell(`p 'a`).issues[0], /not one sh can run \(an unclosed single quote\)/);
        assert.match(readShell(`p $(`).issues[0], /not one sh can run/);
    });
});

describe("shell reader: files the script writes", () => {
    const fileSeenBy = (script: string, file: string, environment?: Record<string, unknown>) => {
        const runs = readShell(script, { environment }).invocations.filter((invocation) => invocation.name === "p");
        const last = runs[runs.length - 1];
        const key = last.args[0].text;
        assert.equal(shown(key), file);
        return last.readFile(key);
    };
    const table: Array<[string, string, Record<string, unknown> | undefined, string, unknown]> = [
        [
            "printf from the environment, in a subshell, redirection last",
            `(umask 077 && printf '%s\\n' "$O" > "$w/o")\np "$w/o"`,
            { O: "x: 1" },
            "$w/o",
            { kind: "text", text: "x: 1\n" },
        ],
        [
            "echo with the redirection first",
            `> o.yaml echo "$O"; p o.yaml`,
            { O: "a" },
            "o.yaml",
            { kind: "text", text: "a\n" },
        ],
        [
            "a here-document, quoted delimiter",
            `cat > f <<'EOF'\n$NOT expanded\nEOF\np f`,
            undefined,
            "f",
            { kind: "text", text: "$NOT expanded\n" },
        ],
        [
            "a here-document, expanded",
            `v=1; cat <<EOF > f\nv=$v\nEOF\np f`,
            undefined,
            "f",
            { kind: "text", text: "v=1\n" },
        ],
        [
            "tee and append",
            `echo a | tee f >/dev/null; echo b >> f; p f`,
            undefined,
            "f",
            { kind: "text", text: "a\nb\n" },
        ],
        ["a copy", `echo a > f; cp f g; p g`, undefined, "g", { kind: "text", text: "a\n" }],
        [
            "changed by sed -i",
            `echo a > f; sed -i s/a/b/ f; p f`,
            undefined,
            "f",
            { kind: "unknown", why: "f is given to sed, which may change it" },
        ],
        [
            "written in a branch",
            `if true; then echo a > f; fi; p f`,
            undefined,
            "f",
            { kind: "unknown", why: "f is written only in a branch (if, case, a loop or after ||)" },
        ],
        ["never written", `p f`, undefined, "f", undefined],
        [
            "the same unknown folder on both sides",
            `w="$(mktemp -d)"; echo a > "$w/f"; p "$w/f"`,
            undefined,
            "$(mktemp -d)/f",
            { kind: "text", text: "a\n" },
        ],
    ];
    for (const [what, script, environment, file, expected] of table) {
        it(what, () => assert.deepEqual(fileSeenBy(script, file, environment), expected));
    }
});
