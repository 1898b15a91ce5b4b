// Mutation tests for the shell readers of policy/asmcli.ts: shellWords (quotes, escapes, continuations,
// separators), findInvocations (separators end a command; sh -c, bash -lc and eval are read, four levels deep),
// findAsmcliInvocations (asmcli by name, or renamed with an asmcli-only flag), flagValues, commandTexts and
// overlayFiles (an overlay written from the environment or a here-document). Each row compares the whole answer.

import * as assert from "node:assert/strict";
import {
    asmcliInstalls,
    COMMAND_TYPE,
    commandTexts,
    findAsmcliInvocations,
    findInvocations,
    flagValues,
    hasFlag,
    overlayFiles,
    REMOTE_COMMAND_TYPE,
    REVISION_FLAG,
    shellWords,
} from "../../policy/asmcli";
import { CANNOT_TELL } from "../../policy/read";

/** A shell single-quoted word: 'it'\''s'. */
function quoted(text: string): string {
    return `'${text.replace(/'/g, "'\\''")}'`;
}

/** `p a` inside `levels` nested `sh -c '...'`. */
function nested(levels: number): string {
    let text = "p a";
    for (let i = 0; i < levels; i++) text = `sh -c ${quoted(text)}`;
    return text;
}

describe("policy readers: shellWords", () => {
    const table: Array<[string, string, string[]]> = [
        ["plain words, repeated blanks", "  a  b\tc ", ["a", "b", "c"]],
        ["quotes", `a 'b c' "d e"`, ["a", "b c", "d e"]],
        ["an escaped quote in double quotes", `"a\\"b"`, ['a"b']],
        ["a backslash in single quotes is kept", `'a\\b'`, ["a\\b"]],
        ["a trailing backslash in open double quotes is kept", `"a\\`, ["a\\"]],
        ["empty quotes are a word", `'' ""`, ["", ""]],
        ["an escaped blank", `f\\ g`, ["f g"]],
        ["an escaped character alone is a word", `\\x`, ["x"]],
        ["a trailing backslash is dropped", `a\\`, ["a"]],
        ["a backslash alone makes no word", `\\`, []],
        ["a line continuation", "a\\\nb c", ["ab", "c"]],
        ["an escaped letter", "a\\bc", ["abc"]],
        ["semicolons and newlines", "a;b\nc ;", ["a", ";", "b", "\n", "c", ";"]],
        ["a leading semicolon", ";a", [";", "a"]],
        ["and, or, pipe, background", "a&&b||c|d&e", ["a", "&&", "b", "||", "c", "|", "d", "&", "e"]],
        ["a pipe after a word", "a |b", ["a", "|", "b"]],
        ["separators inside quotes", `'a;b' "c&&d|e"`, ["a;b", "c&&d|e"]],
    ];
    for (const [name, text, expected] of table) {
        it(name, () => {
            assert.deepStrictEqual(shellWords(text), expected);
        });
    }
});

describe("policy readers: findInvocations", () => {
    const table: Array<[string, () => string, string[][]]> = [
        ["a path, each separator", () => "/usr/bin/p a b; p c && q d | p e", [["a", "b"], ["c"], ["e"]]],
        ["a newline", () => "p a\np b", [["a"], ["b"]]],
        ["or", () => "p a || p b", [["a"], ["b"]]],
        ["a pipe", () => "p a | p b", [["a"], ["b"]]],
        ["background", () => "p a & p b", [["a"], ["b"]]],
        ["sh -c", () => "sh -c 'p a'", [["a"]]],
        ["bash -lc, two commands", () => `bash -lc "p a; p b"`, [["a"], ["b"]]],
        ["dash -x -c", () => "dash -x -c 'p a'", [["a"]]],
        ["zsh -xc", () => "zsh -xc 'p a'", [["a"]]],
        ["ksh -ce", () => "ksh -ce 'p a'", [["a"]]],
        ["ash -c", () => "ash -c 'p a'", [["a"]]],
        ["the path of a shell", () => "/bin/sh -c 'p a'", [["a"]]],
        ["a script file before -c", () => "bash script.sh -c 'p a'", []],
        ["a flag that is not -c", () => "bash -x 'p a'", []],
        ["--c is not -c", () => "bash --c 'p a'", []],
        ["-c1 is not -c", () => "bash -c1 'p a'", []],
        ["-c at the end", () => "bash -c", []],
        ["a flag at the end", () => "bash -x", []],
        ["a separator ends the shell's flags", () => "bash -x ; -c 'p a'", []],
        ["-c in another program is not read", () => "p -c 'p a'", [["-c", "p a"]]],
        ["eval", () => "eval p a b; p c", [["a", "b"], ["c"], ["a", "b"]]],
        ["eval of a quoted word", () => "eval 'p  a'", [["a"]]],
        ["eval at the end", () => "eval", []],
        ["four levels deep", () => nested(4), [["a"]]],
        ["five levels deep is not read", () => nested(5), []],
    ];
    it("a text without a shell or eval hands on no script", () => {
        assert.deepStrictEqual(
            findInvocations("p a; P b", (program) => /^[A-Z]/.test(program) || program === "p").map(
                (invocation) => invocation.args,
            ),
            [["a"], ["b"]],
        );
    });
    for (const [name, text, expected] of table) {
        it(name, () => {
            const found = findInvocations(text(), (program) => program === "p");
            assert.deepStrictEqual(
                found.map((invocation) => invocation.args),
                expected,
            );
        });
    }
});

const ASMCLI_ONLY = [
    "--project_id",
    "--cluster_name",
    "--cluster_location",
    "--fleet_id",
    "--custom_overlay",
    "--revision_name",
    "--enable_all",
    "--enable_cluster_roles",
    "--enable_cluster_labels",
    "--enable_gcp_apis",
    "--enable_gcp_iam_roles",
    "--enable_gcp_components",
    "--enable_registration",
    "--enable_namespace_creation",
    "--output_dir",
    "--managed",
    "--ca_cert",
    "--use_managed_cni",
    "--option",
];

describe("policy readers: findAsmcliInvocations", () => {
    const table: Array<[string, string, string[][]]> = [
        ["asmcli", "./asmcli install -r asm-1", [["install", "-r", "asm-1"]]],
        ["ASMCLI.SH, any subcommand", "/tmp/ASMCLI.SH validate", [["validate"]]],
        ["a name that only ends in asmcli", "myasmcli install", []],
        ["a name that only starts with asmcli.sh", "asmcli.sh.bak install", []],
        [
            "renamed, apply in capitals and --flag=value",
            "./run APPLY --CLUSTER_NAME=c",
            [["APPLY", "--CLUSTER_NAME=c"]],
        ],
        ["renamed, a kebab-case flag is not asmcli's own", "./run install --cluster-name c", []],
        ["renamed, not install", "./run status --cluster_name c", []],
        ["renamed, no flag", "./run install", []],
        ["eval is not renamed asmcli", "eval install --managed", []],
        ...["sh", "bash", "dash", "zsh", "ksh", "ash"].map((shell): [string, string, string[][]] => [
            `${shell} is not renamed asmcli`,
            `${shell} install --managed`,
            [],
        ]),
        ...ASMCLI_ONLY.map((flag): [string, string, string[][]] => [
            `renamed with ${flag}`,
            `./x install ${flag}`,
            [["install", flag]],
        ]),
    ];
    for (const [name, text, expected] of table) {
        it(name, () => {
            assert.deepStrictEqual(
                findAsmcliInvocations(text).map((invocation) => invocation.args),
                expected,
            );
        });
    }
});

describe("policy readers: flagValues and hasFlag", () => {
    const table: Array<[string, string[], string[], string[], boolean]> = [
        ["-r value", ["install", "-r", "asm-1"], REVISION_FLAG, ["asm-1"], true],
        ["--revision_name=value", ["install", "--REVISION_NAME=asm-2"], REVISION_FLAG, ["asm-2"], true],
        ["repeated", ["-r", "a", "--revision-name", "b"], REVISION_FLAG, ["a", "b"], true],
        ["a flag at the end has no value", ["install", "--revision_name"], REVISION_FLAG, [], true],
        ["absent", ["install", "--x", "y"], REVISION_FLAG, [], false],
        ["a word starting with = has an empty name", ["=v", "w"], [""], ["v"], true],
    ];
    for (const [name, args, spellings, values, has] of table) {
        it(name, () => {
            assert.deepStrictEqual([flagValues({ args }, spellings), hasFlag({ args }, spellings)], [values, has]);
        });
    }
});

describe("policy readers: commandTexts and asmcliInstalls", () => {
    it("reads create and update of local and remote Commands, CANNOT_TELL for an unreadable one", () => {
        assert.deepStrictEqual(
            [
                commandTexts(COMMAND_TYPE, { create: "a", update: "b", delete: "c" }),
                commandTexts(REMOTE_COMMAND_TYPE, { update: 5 }),
                commandTexts("kubernetes:core/v1:ConfigMap", { create: "a" }),
                commandTexts(COMMAND_TYPE, {}),
            ],
            [["a", "b"], [CANNOT_TELL], [], []],
        );
    });
    it("keeps install and apply, with the script", () => {
        const script = "asmcli validate; asmcli Install -r a; ./run apply --managed; asmcli";
        assert.deepStrictEqual(asmcliInstalls(COMMAND_TYPE, { create: script, update: 5 }), [
            { args: ["Install", "-r", "a"], script },
            { args: ["apply", "--managed"], script },
        ]);
    });
});

const OVERLAY = "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec: {}\n";
const PARSED = { apiVersion: "install.istio.io/v1alpha1", kind: "IstioOperator", spec: {} };

describe("policy readers: overlayFiles", () => {
    const table: Array<[string, () => [string, unknown], Array<{ name: string; document: unknown; why: string }>]> = [
        [
            "from the environment, after a line that writes no file",
            () => [
                `echo "$OTHER"; printf '%s' "$OVERLAY" > overlay.yaml; asmcli install --custom_overlay overlay.yaml`,
                { OTHER: "kind: IstioOperator", OVERLAY },
            ],
            [{ name: "environment.OVERLAY", document: PARSED, why: "" }],
        ],
        [
            "the variable the line names, not the first one",
            () => [`echo "\${OVERLAY}" > "o.yaml" && asmcli install --co o.yaml`, { A: "x", B: 5, OVERLAY }],
            [{ name: "environment.OVERLAY", document: PARSED, why: "" }],
        ],
        [
            "a file name with regex characters is matched literally",
            () => [`echo "$OVERLAY" > aXb; asmcli install --co a.b`, { OVERLAY }],
            [
                {
                    name: "a.b",
                    document: CANNOT_TELL,
                    why: "the --custom_overlay file a.b is not part of the resource (pass its content in the Command's environment or a here-document)",
                },
            ],
        ],
        [
            "a here-document, two files",
            () => [
                `cat > /tmp/io.yaml <<'EOF'\n${OVERLAY}EOF\nasmcli install --custom_overlay /tmp/io.yaml,/tmp/x.yaml`,
                undefined,
            ],
            [
                { name: "here-document", document: PARSED, why: "" },
                {
                    name: "/tmp/x.yaml",
                    document: CANNOT_TELL,
                    why: "the --custom_overlay file /tmp/x.yaml is not part of the resource (pass its content in the Command's environment or a here-document)",
                },
            ],
        ],
        [
            "YAML that is not an IstioOperator",
            () => [`echo "$CM" > cm.yaml; asmcli install --co cm.yaml`, { CM: "kind: ConfigMap\n" }],
            [{ name: "environment.CM", document: CANNOT_TELL, why: "environment.CM is not an IstioOperator overlay" }],
        ],
        [
            "text that is not YAML",
            () => [`echo "$CM" > cm.yaml; asmcli install --co cm.yaml`, { CM: "a: [" }],
            [{ name: "environment.CM", document: CANNOT_TELL, why: "environment.CM is not an IstioOperator overlay" }],
        ],
    ];
    for (const [name, input, expected] of table) {
        it(name, () => {
            const [script, environment] = input();
            const props = { create: script, environment };
            const [install] = asmcliInstalls(COMMAND_TYPE, props);
            assert.deepStrictEqual(overlayFiles(install, props), expected);
        });
    }
});
