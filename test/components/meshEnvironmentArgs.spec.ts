/**
 * MeshEnvironment's inputs (components/meshEnvironmentArgs.ts, the shape every Pulumi language writes) and the
 * zod schema of the `nativemesh:` configuration must name the same keys at every depth: a key added to one and not
 * the other is either unreachable from other languages or refused by validateConfig. Read with the TypeScript
 * checker from the two declared types; the inputs' `any` stands for a zod union (a string or an object) and
 * matches whatever the schema says there. Also: every input has a doc line (it becomes the schema's description),
 * and inputs are validated exactly as the stack configuration is.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as ts from "typescript";
import { validateConfig } from "../../components/config/config";
import { MeshEnvironment as LibraryMeshEnvironment } from "../../components/meshEnvironment";
import { type MeshEnvironmentInputs, parseSecretPath, specFromInputs } from "../../components/meshEnvironmentArgs";
import { type LibraryEnvironmentView, MeshEnvironment as PluginMeshEnvironment } from "../../plugin/index";

const ROOT = path.resolve(__dirname, "../..");
const ARGS = path.join(ROOT, "components", "meshEnvironmentArgs.ts");
const PROBE = path.join(ROOT, "components", "__args_probe.ts");
/** Inputs that are not configuration keys. */
const ONLY_INPUTS = new Set(["secretPaths"]);

interface Checked {
    checker: ts.TypeChecker;
    inputs: ts.Type;
    config: ts.Type;
}

function load(): Checked {
    const probeText = [
        'import type { MeshEnvironmentInputs } from "./meshEnvironmentArgs";',
        'import type { RawEnvironmentConfig } from "./config/config";',
        "export type Inputs = MeshEnvironmentInputs;",
        "export type Config = RawEnvironmentConfig;",
    ].join("\n");
    const options: ts.CompilerOptions = {
        strict: true,
        skipLibCheck: true,
        esModuleInterop: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        types: ["node"],
    };
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    host.readFile = (f) => (path.resolve(f) === PROBE ? probeText : readFile(f));
    host.fileExists = (f) => path.resolve(f) === PROBE || fileExists(f);
    const program = ts.createProgram([PROBE], options, host);
    const checker = program.getTypeChecker();
    const probe = program.getSourceFile(PROBE);
    assert.ok(probe !== undefined);
    const alias = (name: string) => {
        const node = probe.statements.find((s) => ts.isTypeAliasDeclaration(s) && s.name.text === name);
        assert.ok(node !== undefined && ts.isTypeAliasDeclaration(node));
        return checker.getTypeFromTypeNode(node.type);
    };
    return { checker, inputs: alias("Inputs"), config: alias("Config") };
}

/** The object parts of a type (undefined, null and primitives dropped; each union member, each array item). */
function objectParts(checker: ts.TypeChecker, type: ts.Type): ts.Type[] {
    const parts = type.isUnion() ? type.types : [type];
    return parts.flatMap((t) => {
        if (!(t.flags & ts.TypeFlags.Object)) return [];
        if (checker.isArrayType(t)) return objectParts(checker, checker.getTypeArguments(t as ts.TypeReference)[0]);
        return [t];
    });
}

/** Whether a type is `any`, or holds it as the items of an array (undefined aside). */
function isAny(checker: ts.TypeChecker, type: ts.Type): boolean {
    const parts = type.isUnion() ? type.types.filter((t) => !(t.flags & ts.TypeFlags.Undefined)) : [type];
    return parts.some(
        (t) =>
            (t.flags & ts.TypeFlags.Any) !== 0 ||
            (checker.isArrayType(t) && isAny(checker, checker.getTypeArguments(t as ts.TypeReference)[0])),
    );
}

/** Every key path where the two types differ: "a.b: only in the inputs" and the like. */
function differences(c: Checked): string[] {
    const out: string[] = [];
    const walk = (inputs: ts.Type, config: ts.Type, at: string, seen: number) => {
        if (isAny(c.checker, inputs) || seen > 8) return;
        const ins = objectParts(c.checker, inputs);
        const cfgs = objectParts(c.checker, config);
        if (ins.length === 0 && cfgs.length === 0) return;
        if (ins.length === 0 || cfgs.length === 0) {
            out.push(`${at || "(root)"}: an object in ${ins.length === 0 ? "the config only" : "the inputs only"}`);
            return;
        }
        const inIndex = ins.map((t) => t.getStringIndexType()).find((t) => t !== undefined);
        const cfgIndex = cfgs.map((t) => t.getStringIndexType()).find((t) => t !== undefined);
        if ((inIndex === undefined) !== (cfgIndex === undefined)) {
            out.push(`${at}: a map in ${inIndex === undefined ? "the config only" : "the inputs only"}`);
            return;
        }
        if (inIndex !== undefined && cfgIndex !== undefined) {
            walk(inIndex, cfgIndex, `${at}.*`, seen + 1);
            return;
        }
        const props = (types: ts.Type[]) => new Map(types.flatMap((t) => t.getProperties().map((p) => [p.name, p])));
        const inProps = props(ins);
        const cfgProps = props(cfgs);
        for (const name of inProps.keys()) {
            if (!cfgProps.has(name) && !(at === "" && ONLY_INPUTS.has(name))) out.push(`${at}${name}: inputs only`);
        }
        for (const [name, sym] of cfgProps) {
            const inSym = inProps.get(name);
            if (inSym === undefined) {
                out.push(`${at}${name}: config only`);
                continue;
            }
            walk(c.checker.getTypeOfSymbol(inSym), c.checker.getTypeOfSymbol(sym), `${at}${name}.`, seen + 1);
        }
    };
    walk(c.inputs, c.config, "", 0);
    return out;
}

describe("MeshEnvironment inputs", function () {
    this.timeout(120_000);
    let checked: Checked;
    before(() => {
        checked = load();
    });

    it("name the same keys as the zod schema of the nativemesh: configuration, at every depth", () => {
        assert.deepEqual(differences(checked), []);
    });

    it("the comparison sees a key missing on either side (so the check above can fail)", () => {
        const { checker, inputs } = checked;
        // The inputs against themselves agree; against the mesh section's type they differ at the top.
        const mesh = checker.getTypeOfSymbol(inputs.getProperty("mesh")!);
        const diff = differences({ checker, inputs, config: mesh });
        assert.ok(diff.includes("cloud: inputs only"), diff.join("\n"));
        assert.ok(diff.includes("method: config only"), diff.join("\n"));
        assert.deepEqual(differences({ checker, inputs, config: inputs }), []);
    });

    it("document every field (the schema's descriptions)", () => {
        const source = ts.createSourceFile(ARGS, ts.sys.readFile(ARGS)!, ts.ScriptTarget.ES2022, true);
        const undocumented: string[] = [];
        for (const statement of source.statements) {
            if (!ts.isInterfaceDeclaration(statement)) continue;
            if (ts.getJSDocCommentsAndTags(statement).length === 0) undocumented.push(statement.name.text);
            for (const member of statement.members) {
                if (ts.isPropertySignature(member) && ts.getJSDocCommentsAndTags(member).length === 0)
                    undocumented.push(`${statement.name.text}.${member.name.getText(source)}`);
            }
        }
        assert.deepEqual(undocumented, []);
    });

    const local: MeshEnvironmentInputs = {
        cloud: "existing",
        existing: { kubeconfig: "/tmp/kubeconfig" },
        mesh: { method: "helm", version: "1.28.1", revisionTags: ["stable"] },
        namespaces: [{ name: "apps", revisionTag: "stable" }],
    };

    it("validate as the stack configuration does: the same spec, defaults filled in", () => {
        const spec = specFromInputs(local);
        assert.deepEqual(spec, validateConfig(local));
        assert.equal(spec.revision, "1-28-1");
        assert.equal(spec.mesh.namespace, "istio-system");
    });

    it("leave nulls out (a language's None) and read secretPaths", () => {
        const withNulls = {
            ...local,
            gke: null,
            secretPaths: ["existing.kubeconfig", "mesh.istiodValues.pilot"],
        } as unknown as MeshEnvironmentInputs;
        const spec = specFromInputs(withNulls);
        assert.equal(spec.gke, undefined);
        assert.deepEqual(spec.secretPaths, [
            ["existing", "kubeconfig"],
            ["mesh", "istiodValues", "pilot"],
        ]);
        assert.deepEqual(parseSecretPath("namespaces[0].annotations"), ["namespaces", 0, "annotations"]);
    });

    it("take a key given as undefined as unset, as a binding that sends every optional field does: it sets nothing to refuse", () => {
        const withUndefined = {
            ...local,
            gke: undefined,
            mesh: { ...local.mesh, istiodValues: undefined, methd: undefined },
        } as unknown as MeshEnvironmentInputs;
        assert.deepEqual(specFromInputs(withUndefined), specFromInputs(local));
    });

    it("refuse a bad value with the stack configuration's one-line message, as a RunError", () => {
        const bad = { ...local, mesh: { ...local.mesh, version: "one" } };
        assert.throws(
            () => specFromInputs(bad),
            (err: unknown) => {
                assert.ok(err instanceof pulumi.RunError);
                assert.match(err.message, /^nativemesh:mesh\.version: must be a version/);
                assert.doesNotMatch(err.message, /\n/);
                return true;
            },
        );
        assert.throws(() => specFromInputs({ ...local, mesh: { ...local.mesh, methd: "helm" } as never }), {
            message: /nativemesh:mesh\.methd: unknown key/,
        });
        assert.throws(() => specFromInputs({ ...local, secretPaths: ["mesh..version"] }), {
            message: /^nativemesh:secretPaths: 'mesh\.\.version' is not a path/,
        });
    });

    it("the plugin's MeshEnvironment is the library class, and reads only what that class has", () => {
        assert.equal(Object.getPrototypeOf(PluginMeshEnvironment), LibraryMeshEnvironment);
        // Fails to compile when the library class no longer has what the plugin reads.
        const view = (env: LibraryMeshEnvironment): LibraryEnvironmentView => env;
        assert.equal(typeof view, "function");
    });

    it("plugin/ names the package and version of the package it serves (the schema's name and version)", () => {
        const read = (file: string) => JSON.parse(ts.sys.readFile(path.join(ROOT, file))!) as Record<string, unknown>;
        const root = read("package.json");
        const plugin = read("plugin/package.json");
        assert.deepEqual([plugin.name, plugin.version], [root.name, root.version]);
        assert.equal(plugin.main, "index.js");
        assert.ok((root.files as string[]).includes("plugin/"), "npm pack leaves plugin/ out");
    });

    it("refuse an Output, naming the key (values must be known before deployment)", () => {
        const withOutput = {
            ...local,
            existing: { kubeconfig: pulumi.output("x") },
        } as unknown as MeshEnvironmentInputs;
        assert.throws(() => specFromInputs(withOutput), {
            message: /^nativemesh:existing\.kubeconfig: must be a plain value known before deployment/,
        });
    });
});

describe("parseSecretPath", () => {
    const read: Array<[string, Array<string | number>]> = [
        ["existing.kubeconfig", ["existing", "kubeconfig"]],
        ["mesh.istiodValues.pilot.env.TOKEN", ["mesh", "istiodValues", "pilot", "env", "TOKEN"]],
        ["namespaces[0].annotations.key", ["namespaces", 0, "annotations", "key"]],
        ["mesh.revisions[1].istiodValues", ["mesh", "revisions", 1, "istiodValues"]],
        ["matrix[2][10]", ["matrix", 2, 10]],
        ["[3]", [3]],
        ["a-b_c", ["a-b_c"]],
    ];
    for (const [text, expected] of read) {
        it(`reads ${text}`, () => assert.deepEqual(parseSecretPath(text), expected));
    }

    const refused = ["", "mesh..version", "mesh.", ".mesh", "namespaces[x]", "namespaces[0", "namespaces]0[", "a[0]b"];
    for (const text of refused) {
        it(`refuses '${text}' naming the key and the form it takes`, () => {
            assert.throws(() => parseSecretPath(text), {
                name: "ConfigError",
                message: `nativemesh:secretPaths: '${text}' is not a path such as mesh.istiodValues.pilot`,
            });
        });
    }
});

describe("specFromInputs: values known before deployment", () => {
    const base: MeshEnvironmentInputs = {
        cloud: "existing",
        existing: { kubeconfig: "/tmp/kubeconfig" },
        mesh: { method: "helm", version: "1.28.1" },
        namespaces: [{ name: "apps" }],
    };
    const refusedAt = (inputs: unknown, key: string) =>
        assert.throws(
            () => specFromInputs(inputs as MeshEnvironmentInputs),
            (err: unknown) => {
                assert.ok(err instanceof pulumi.RunError, String(err));
                assert.equal(
                    err.message,
                    `${key}: must be a plain value known before deployment (got an Output; a secret belongs in secretPaths)`,
                );
                return true;
            },
        );

    it("an Output inside a list is named by its index", () =>
        refusedAt(
            { ...base, namespaces: [{ name: "apps" }, { name: pulumi.output("web") }] },
            "nativemesh:namespaces[1].name",
        ));

    it("a Promise is refused as an Output is", () =>
        refusedAt({ ...base, mesh: { ...base.mesh, version: Promise.resolve("1.28.1") } }, "nativemesh:mesh.version"));

    it("a whole section given as an Output is named by its key", () =>
        refusedAt({ ...base, existing: pulumi.output({ kubeconfig: "/tmp/kubeconfig" }) }, "nativemesh:existing"));

    it("nulls inside lists and maps are left out, the rest kept as given", () => {
        const spec = specFromInputs({
            ...base,
            namespaces: [{ name: "apps", labels: { team: "web", gone: null } as never, revision: null as never }],
        });
        assert.deepEqual(spec.namespaces[0].labels, { team: "web" });
        assert.equal(spec.namespaces[0].revision, undefined);
    });

    it("an error that is not the configuration's goes through unchanged", () => {
        const throwing = {
            ...base,
            get mesh(): never {
                throw new TypeError("boom");
            },
        };
        assert.throws(
            () => specFromInputs(throwing as unknown as MeshEnvironmentInputs),
            (err: unknown) => {
                assert.ok(err instanceof TypeError);
                assert.ok(!(err instanceof pulumi.RunError));
                assert.equal(err.message, "boom");
                return true;
            },
        );
    });
});
