/**
 * Secret stack config end to end. A marker is planted in every config value that can be secret and in every
 * credential the clouds return; it must never appear in plaintext in the offline plan, in `--out`, in `--json`,
 * in stdout/stderr, or in a config error. The stack files are read as a real run reads them: the encrypted
 * values decrypted (here `v1:<plaintext>`), the keys holding them named secret.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { planStack, type PlannedResource } from "../../../cli/engine";
import { runPreview, type PreviewHooks } from "../../../cli/preview";
import { loadStackFile, UsageError } from "../../../cli/stackFile";
import { ConfigError, validateConfig } from "../../../components/config/config";
import {
    holdsSecret,
    isSecureValue,
    locateSecretPaths,
    REDACTED,
    redactSecrets,
    scrubSecrets,
    secretTexts,
    stackFileSecretKeys,
    stackFileSecretPaths,
    uncoverableSecret,
    type ConfigPath,
} from "../../../components/config/secrets";
import { tempDir } from "../../support/tempDir";

const ROOT = path.resolve(__dirname, "../../..");

const SIG = "4dabf18193072939515e22adb298388d";

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Every marker starts with this, so one search finds any of them. */
const MARK = "ZQXMARKER";

const marker = (what: string) => `${MARK}-${what}-9c41e7`;

const secure = (what: string) => ({ secure: `v1:${marker(what)}` });

/** What a real run would decrypt: the plaintext after `v1:`. */
const reveal = (ciphertext: string) => ciphertext.replace(/^v1:/, "");

const stackDoc = (file: string) =>
    parse(fs.readFileSync(path.join(ROOT, file), "utf8")) as { config: Record<string, Record<string, unknown>> };

/** Credentials the clouds return, each a marker; the engine applies additionalSecretOutputs to them. */
const cloudOutputs = (type: string, _name: string, _inputs: Record<string, unknown>) => {
    switch (type) {
        case "gcp:container/cluster:Cluster":
            return {
                endpoint: "203.0.113.10",
                masterAuth: {
                    clusterCaCertificate: marker("gke-ca"),
                    clientCertificate: marker("gke-client-cert"),
                    clientKey: marker("gke-client-key"),
                },
            };
        case "alicloud:cs/managedKubernetes:ManagedKubernetes":
            return {
                id: "c-marker-cluster",
                certificateAuthority: { clusterCert: marker("ack-ca"), clientCert: marker("ack-cc") },
                clientCert: marker("ack-client-cert"),
                clientKey: marker("ack-client-key"),
            };
        case "alicloud:servicemesh/serviceMesh:ServiceMesh":
            return { kubeconfig: marker("asm-instance-kubeconfig") };
        default:
            return undefined;
    }
};

const cloudInvokes = {
    "gcp:organizations/getProject:getProject": { number: "123456789012" },
    "alicloud:cs/getClusterCredential:getClusterCredential": { kubeConfig: marker("ack-credential-kubeconfig") },
};

const hooks: PreviewHooks = { reveal, record: { outputs: cloudOutputs, invokes: cloudInvokes } };

/** The stacks of the marker test: between them every config key that can be secret, and every credential. */
function markerStacks(): Record<string, Record<string, unknown>> {
    const dev = stackDoc("stacks/Pulumi.dev.yaml");
    const mesh = dev.config["nativemesh:mesh"];
    mesh.istiodValues = { pilot: { env: { NATIVEMESH_TOKEN: secure("istiod-env") } } };
    mesh.baseValues = { global: { imagePullSecrets: [secure("base-values")] } };
    const formance = dev.config["nativemesh:formance"];
    (formance.serviceAnnotations as Record<string, Record<string, unknown>>).gateway["example.com/token"] =
        secure("service-annotation");
    formance.operator = { values: { token: secure("operator-values") } };
    const namespaces = dev.config["nativemesh:namespaces"] as unknown as Array<Record<string, unknown>>;
    (namespaces[1].podTemplateAnnotations as Record<string, unknown>)["example.com/token"] = secure("pod-template");

    const prod = stackDoc("stacks/Pulumi.gke-prod.yaml");
    const prodFormance = prod.config["nativemesh:formance"];
    (prodFormance.jobAnnotations as Record<string, Record<string, unknown>>).ledger["example.com/token"] =
        secure("job-annotation");
    prodFormance.deploymentAnnotations = { gateway: { "example.com/token": secure("deployment-annotation") } };

    const kubeconfig = (what: string) =>
        `apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    token: ${marker(what)}\n`;
    const existingAsm = {
        config: {
            "nativemesh:cloud": "existing",
            "nativemesh:existing": {
                kubeconfig: { secure: `v1:${kubeconfig("existing-kubeconfig")}` },
                context: secure("existing-context"),
            },
            "nativemesh:mesh": {
                method: "asmcli",
                version: "1.27.2-asm.1",
                asmcli: { fleetId: "acme-fleet", options: [secure("asmcli-option")] },
            },
            "nativemesh:namespaces": [{ name: "payments" }],
        },
    };
    const existingPath = {
        config: {
            "nativemesh:cloud": "existing",
            "nativemesh:existing": { kubeconfig: secure("kubeconfig-path") },
            "nativemesh:mesh": { method: "asmcli", version: "1.27.2-asm.1", asmcli: { fleetId: "acme-fleet" } },
        },
    };
    const ackPublic = stackDoc("test/fixtures/stacks/Pulumi.ack-asm-public.yaml");
    (ackPublic.config["nativemesh:mesh"].alibaba as Record<string, unknown>).controlPlaneKubeconfig = {
        secure: `v1:${kubeconfig("asm-control-plane-kubeconfig")}`,
    };
    return {
        "marker-dev": dev,
        "marker-prod": prod,
        "marker-existing-asm": existingAsm,
        "marker-existing-path": existingPath,
        "marker-ack-public": ackPublic,
        // The instance's own kubeconfig and the ACK cluster's credentials flow where no kubeconfig is given.
        "marker-ack-asm": stackDoc("stacks/Pulumi.ack-asm.yaml"),
    };
}

/** Writes a stack file into a scratch folder of the running test (removed when the test ends). */
function writeStack(name: string, doc: unknown): string {
    const file = path.join(tempDir("secrets"), `Pulumi.${name}.yaml`);
    fs.writeFileSync(file, stringify(doc));
    return file;
}

async function preview(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await runPreview(
        args,
        { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } },
        hooks,
    );
    return { code, stdout, stderr };
}

function filesUnder(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true, recursive: true })
        .filter((d) => d.isFile())
        .map((d) => path.join(d.parentPath, d.name));
}

const leaksIn = (text: string) => [...new Set(text.match(new RegExp(`${MARK}-[a-z]+(?:-[a-z]+)*`, "g")) ?? [])];

const NS = "nativemesh";

/** A stack file's encrypted value. */
const secureLeaf = (ciphertext = "v1:abc") => ({ secure: ciphertext });

/** The paths and whole keys `locateSecretPaths` finds for `mesh`, secret, with this file value and given value. */
const locateMesh = (fileMesh: unknown, givenMesh: unknown) =>
    locateSecretPaths(["mesh"], givenMesh === undefined ? {} : { mesh: givenMesh }, { [`${NS}:mesh`]: fileMesh }, NS);

/** The answer when the file's leaves of `mesh` are taken. */
const leavesOf = (...paths: ConfigPath[]) => ({ paths, wholeKeys: [] });

/** The answer when all of `mesh` is secret. */
const WHOLE = { paths: [["mesh"]], wholeKeys: ["mesh"] };

/** A config whose istiod values hold `values`, and the path of them. */
const istiod = (values: Record<string, unknown>) => ({ mesh: { method: "helm", istiodValues: values } });

const ISTIOD: ConfigPath = ["mesh", "istiodValues"];

describe("secrets: the marker test (offline plan, --out, --json, messages)", () => {
    const stacks = markerStacks();
    const planted = new Set<string>();

    for (const [name, doc] of Object.entries(stacks)) {
        it(`${name}: no marker in the plan, the tree, --json, the --out files or any message`, async () => {
            const file = writeStack(name, doc);
            const out = path.join(path.dirname(file), `${name}-out`);
            const text = await preview(["--config", file, "--out", out]);
            assert.ok(text.code === 0 || text.code === 1, text.stderr);
            const json = await preview(["--config", file, "--json"]);
            assert.ok(json.code === 0 || json.code === 1, json.stderr);
            const written = filesUnder(out).map((f) => fs.readFileSync(f, "utf8"));
            assert.ok(written.length > 0);
            const everything = [text.stdout, text.stderr, json.stdout, json.stderr, ...written].join("\n");
            assert.deepEqual(leaksIn(everything), [], "plaintext found in the preview's output or files");

            // The plan as recorded (not revealing secrets), and the markers really reached it (revealed).
            const loaded = loadStackFile({ config: file, reveal });
            const options = { ...hooks.record, secretKeys: loaded.secretKeys, configFile: file };
            const plan = await planStack(name, loaded.config, options);
            assert.deepEqual(leaksIn(JSON.stringify(plan)), []);
            const revealed = await planStack(name, loaded.config, { ...options, revealSecrets: true });
            for (const found of leaksIn(JSON.stringify(revealed))) planted.add(found);
        });
    }

    it("every marker planted reached a resource (so the checks above are not vacuous)", () => {
        const expected = [
            "istiod-env",
            "base-values",
            "service-annotation",
            "operator-values",
            "pod-template",
            "job-annotation",
            "deployment-annotation",
            "existing-kubeconfig",
            "existing-context",
            "asmcli-option",
            "kubeconfig-path",
            "asm-control-plane-kubeconfig",
            "gke-ca",
            "asm-instance-kubeconfig",
            "ack-credential-kubeconfig",
        ].map((what) => `${MARK}-${what}`);
        assert.deepEqual(
            expected.filter((m) => !planted.has(m)),
            [],
        );
    });

    it("the clouds' credential outputs are kept secret in state (additionalSecretOutputs)", async () => {
        const resources: PlannedResource[] = [];
        for (const name of ["marker-dev", "marker-ack-asm"]) {
            const loaded = loadStackFile({ config: writeStack(name, stacks[name]), reveal });
            resources.push(...(await planStack(name, loaded.config, { ...hooks.record })).resources);
        }
        const secretOf = (type: string) => resources.find((r) => r.type === type)?.options.additionalSecretOutputs;
        for (const [type, outputs] of Object.entries({
            "gcp:container/cluster:Cluster": ["masterAuth"],
            "alicloud:cs/managedKubernetes:ManagedKubernetes": ["certificateAuthority", "clientCert", "clientKey"],
            "alicloud:servicemesh/serviceMesh:ServiceMesh": ["kubeconfig"],
        })) {
            const returned = Object.keys(cloudOutputs(type, "", {}) ?? {}).filter(
                (k) => k !== "endpoint" && k !== "id",
            );
            assert.deepEqual(returned.sort(), [...outputs].sort(), type);
            for (const output of outputs) assert.ok(secretOf(type)?.includes(output), `${type} ${output}`);
        }
    });

    it("a config error on a secret key names the key, never the value, in the preview and in the program", async () => {
        const doc = stackDoc("stacks/Pulumi.dev.yaml");
        doc.config["nativemesh:canary"].timeoutSeconds = 300;
        doc.config["nativemesh:mesh"].istiodReplicas = secure("replicas");
        const bad = writeStack("marker-bad", doc);
        await assert.rejects(preview(["--config", bad]), (err: Error) => {
            assert.ok(err instanceof UsageError);
            assert.match(err.message, /nativemesh:mesh\.istiodReplicas: .*\(got \[secret\]\)/);
            assert.deepEqual(leaksIn(err.message), []);
            return true;
        });
        // The program itself, as `pulumi up` runs it: decrypted config, the key named secret, the file beside it.
        const loaded = { config: { ...doc.config, "nativemesh:mesh": { ...doc.config["nativemesh:mesh"] } } };
        (loaded.config["nativemesh:mesh"] as Record<string, unknown>).istiodReplicas = marker("replicas");
        await assert.rejects(
            planStack("marker-bad", loaded.config, { secretKeys: ["nativemesh:mesh"], configFile: bad }),
            (err: Error) => {
                assert.match(err.message, /nativemesh:mesh\.istiodReplicas/);
                assert.deepEqual(leaksIn(err.message), []);
                return true;
            },
        );
    });

    it("a Formance value the operator cannot parse, secret, is refused without quoting it", () => {
        const raw = {
            cloud: "existing",
            existing: { kubeconfig: "/k" },
            mesh: { method: "helm", version: "1.28.1" },
            formance: { serviceAnnotations: { gateway: { "a/b": `{"x":1,"y":"${marker("formance-bad")}"}` } } },
        };
        const paths = [["formance", "serviceAnnotations", "gateway", "a/b"]];
        assert.throws(
            () => validateConfig(raw, { secretPaths: paths }),
            (err: Error) => {
                assert.ok(err instanceof ConfigError);
                assert.match(err.message, /^nativemesh:formance\.serviceAnnotations\.gateway: /);
                assert.deepEqual(leaksIn(err.message), []);
                return true;
            },
        );
    });
});

describe("secrets: where the secret values are", () => {
    const file = {
        "gcp:project": "p",
        "nativemesh:cloud": "existing",
        "nativemesh:existing": { kubeconfig: { secure: "v1:abc" } },
        "nativemesh:mesh": {
            method: "helm",
            version: "1.28.1",
            istiodValues: { pilot: { env: { TOKEN: { secure: "v1:def" } } } },
        },
        "nativemesh:formance": { secure: "v1:whole" },
    };
    const given = {
        cloud: "existing",
        existing: { kubeconfig: "kube" },
        mesh: { method: "helm", version: "1.28.1", istiodValues: { pilot: { env: { TOKEN: "t" } } } },
        formance: { stacks: ["*"] },
    };

    it("reads the encrypted leaves of a stack file, and the keys that hold them", () => {
        assert.deepEqual(stackFileSecretPaths(file, "nativemesh"), [
            ["existing", "kubeconfig"],
            ["mesh", "istiodValues", "pilot", "env", "TOKEN"],
            ["formance"],
        ]);
        assert.deepEqual(stackFileSecretKeys(file), ["nativemesh:existing", "nativemesh:mesh", "nativemesh:formance"]);
    });

    it("takes the leaves from the file only when it holds the config given; otherwise the whole key is secret", () => {
        const secretKeys = ["existing", "mesh", "formance"];
        assert.deepEqual(locateSecretPaths(secretKeys, given, file, "nativemesh"), {
            paths: [["existing", "kubeconfig"], ["mesh", "istiodValues", "pilot", "env", "TOKEN"], ["formance"]],
            wholeKeys: [],
        });
        // Another file (e.g. the run used --config-file): mesh differs, so all of it is secret.
        const other = { ...given, mesh: { ...given.mesh, version: "1.29.0" } };
        assert.deepEqual(locateSecretPaths(secretKeys, other, file, "nativemesh").wholeKeys, ["mesh"]);
        // No file at all.
        assert.deepEqual(locateSecretPaths(["mesh"], given, undefined, "nativemesh"), {
            paths: [["mesh"]],
            wholeKeys: ["mesh"],
        });
        // A key the engine does not call secret is not, whatever the file says.
        assert.deepEqual(locateSecretPaths([], given, file, "nativemesh").paths, []);
    });

    it("a value holds a secret when it is one, lies under one, or contains one", () => {
        const paths = [["mesh", "istiodValues", "pilot", "env", "TOKEN"]];
        assert.ok(holdsSecret(paths, ["mesh", "istiodValues"]));
        assert.ok(holdsSecret(paths, ["mesh", "istiodValues", "pilot", "env", "TOKEN", "x"]));
        assert.ok(!holdsSecret(paths, ["mesh", "baseValues"]));
        assert.ok(holdsSecret([["mesh"]], ["mesh", "baseValues"]));
    });

    it("redacts and scrubs secret values", () => {
        const paths = [["mesh", "istiodValues", "pilot", "env", "TOKEN"]];
        assert.deepEqual(redactSecrets(given, paths).mesh.istiodValues, { pilot: { env: { TOKEN: "[secret]" } } });
        assert.equal(redactSecrets(given, paths).mesh.version, "1.28.1");
        const config = { mesh: { istiodValues: { pilot: { env: { TOKEN: "hunter2-long" } } } } };
        assert.equal(scrubSecrets("x hunter2-long y", config, paths), "x [secret] y");
        const short = { mesh: { istiodValues: { pilot: { env: { TOKEN: "ab" } } } } };
        // A short one only as a word of its own.
        assert.equal(scrubSecrets("tab ab", short, paths), "tab [secret]");
        // The key that starts a config message names a place, not a value: left whole.
        const one = { mesh: { istiodValues: { pilot: { env: { TOKEN: "1" } } } } };
        assert.equal(
            scrubSecrets("nativemesh:namespaces[1].labels.a: must be 1 (got 1)", one, paths),
            "nativemesh:namespaces[1].labels.a: must be [secret] (got [secret])",
        );
    });

    it("refuses a secret on a key that cannot be kept secret, naming it (one line)", () => {
        assert.deepEqual(uncoverableSecret([["gke", "project"]]), ["gke", "project"]);
        assert.equal(
            uncoverableSecret([["mesh"], ["namespaces"], ["formance", "jobAnnotations", "ledger", "k"]]),
            undefined,
        );
        const raw = { cloud: "existing", existing: { kubeconfig: "/k" }, mesh: { method: "helm", version: "1.28.1" } };
        assert.throws(
            () => validateConfig(raw, { secretPaths: [["mesh", "version"]] }),
            /: nativemesh:mesh\.version: cannot be kept secret .*set it without --secret/,
        );
        assert.doesNotThrow(() => validateConfig(raw, { secretPaths: [["existing", "kubeconfig"]] }));
    });
});

describe("secrets: where they land", () => {
    const base = {
        cloud: "existing",
        existing: { kubeconfig: "/k", context: "ctx" },
        mesh: {
            method: "helm",
            version: "1.28.1",
            istiodValues: { pilot: { env: { TOKEN: "t" } } },
            baseValues: { global: { x: "y" } },
        },
    };
    const plan = async (secretKeys: string[], fileConfig: Record<string, unknown>) => {
        const file = writeStack(`land-${secretKeys.length}-${Object.keys(fileConfig).length}`, { config: fileConfig });
        const config = Object.fromEntries(Object.entries(base).map(([k, v]) => [`nativemesh:${k}`, v]));
        return (await planStack("land", config, { secretKeys, configFile: file })).resources;
    };
    const values = (resources: PlannedResource[], chart: string) =>
        resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === chart)?.inputs.values;
    const isSecret = (v: unknown) => (v as Record<string, unknown> | undefined)?.[SIG] === SECRET_SIG;

    it("a located leaf makes only its Release's values secret", async () => {
        const resources = await plan(["nativemesh:mesh"], {
            "nativemesh:cloud": "existing",
            "nativemesh:existing": base.existing,
            "nativemesh:mesh": { ...base.mesh, istiodValues: { pilot: { env: { TOKEN: { secure: "v1:t" } } } } },
        });
        assert.ok(isSecret(values(resources, "istiod")));
        assert.ok(!isSecret(values(resources, "base")));
        const provider = resources.find((r) => r.type === "pulumi:providers:kubernetes");
        assert.equal(provider?.inputs.context, "ctx");
    });

    it("a secret key whose leaves are not in the file keeps every value under it secret", async () => {
        const resources = await plan(["nativemesh:mesh", "nativemesh:existing"], {});
        assert.ok(isSecret(values(resources, "istiod")));
        assert.ok(isSecret(values(resources, "base")));
        const provider = resources.find((r) => r.type === "pulumi:providers:kubernetes");
        assert.ok(isSecret(provider?.inputs.context));
    });

    it("the canary's name does not change with a secret value (no digest of it)", async () => {
        const job = (resources: PlannedResource[]) => resources.find((r) => r.type === "kubernetes:batch/v1:Job")?.name;
        const a = await plan(["nativemesh:mesh"], {});
        base.mesh.istiodValues.pilot.env.TOKEN = "another";
        const b = await plan(["nativemesh:mesh"], {});
        base.mesh.istiodValues.pilot.env.TOKEN = "t";
        assert.ok(job(a) !== undefined);
        assert.equal(job(a), job(b));
    });
});

// components/config/secrets.ts beyond test/secrets.spec.ts, written for the mutation score of the secrets group
// (docs/MUTATION.md): which stack file values are encrypted leaves, which keys are ours, when the stack file holds
// the config a run was given (lists, objects, numbers written as strings), which paths can be secret, and what
// is left of a message once its secret texts are scrubbed. Every input is built inside its `it`, so that Stryker
// traces each mutant to the tests that cover it.

describe("mutation, secrets: which stack file values are encrypted", () => {
    it("a {secure: string} leaf and nothing else is one", () => {
        const rows: Array<[string, unknown, boolean]> = [
            ["a secure leaf", { secure: "v1:abc" }, true],
            ["an empty ciphertext is still a string", { secure: "" }, true],
            ["secure among other keys", { secure: "v1:abc", note: "rotated" }, false],
            ["another key first", { note: "rotated", secure: "v1:abc" }, false],
            ["one key, not secure", { token: "v1:abc" }, false],
            ["a number under secure", { secure: 42 }, false],
            ["a map under secure", { secure: { secure: "v1:abc" } }, false],
            ["null under secure", { secure: null }, false],
            ["no key at all", {}, false],
            ["a string", "v1:abc", false],
            ["the word secure", "secure", false],
            ["null", null, false],
            ["undefined", undefined, false],
            ["a number", 7, false],
            ["a list of one secure leaf", [{ secure: "v1:abc" }], false],
        ];
        for (const [name, value, expected] of rows) assert.equal(isSecureValue(value), expected, name);
    });

    it("finds the leaves at any depth, lists by index, and nowhere else", () => {
        const file = {
            "gcp:project": "p",
            "nativemesh:cloud": "existing",
            "nativemesh:replicas": 3,
            "nativemesh:dryRun": null,
            "nativemesh:existing": { kubeconfig: secureLeaf(), context: "ctx" },
            "nativemesh:mesh": {
                version: "1.28.1",
                enabled: true,
                revisions: [
                    { version: "1.28.1" },
                    { version: "1.29.0", istiodValues: { pilot: { env: [{ name: "T", value: secureLeaf() }] } } },
                ],
                baseValues: { global: { imagePullSecrets: [secureLeaf(), "public", secureLeaf()] } },
                // Not leaves: a secure key beside another, a secure that is no string.
                asmcli: { options: { secure: "v1:abc", note: "x" }, extra: { secure: 1 } },
            },
            "nativemesh:formance": secureLeaf("v1:whole"),
        };
        assert.deepEqual(stackFileSecretPaths(file, NS), [
            ["existing", "kubeconfig"],
            ["mesh", "revisions", 1, "istiodValues", "pilot", "env", 0, "value"],
            ["mesh", "baseValues", "global", "imagePullSecrets", 0],
            ["mesh", "baseValues", "global", "imagePullSecrets", 2],
            ["formance"],
        ]);
        assert.deepEqual(stackFileSecretKeys(file), ["nativemesh:existing", "nativemesh:mesh", "nativemesh:formance"]);
    });

    it("reads only the keys of its namespace", () => {
        const file = {
            "other:mesh": { istiodValues: { token: secureLeaf() } },
            "nativemeshx:mesh": { token: secureLeaf() },
            "xnativemesh:mesh": { token: secureLeaf() },
            // A key with no namespace at all, one letter longer than the namespace, and one that is the namespace.
            nativemeshs: { token: secureLeaf() },
            nativemesh: { token: secureLeaf() },
            ":mesh": { token: secureLeaf() },
            "nativemesh:formance": { operator: { values: { token: secureLeaf() } } },
        };
        assert.deepEqual(stackFileSecretPaths(file, NS), [["formance", "operator", "values", "token"]]);
        assert.deepEqual(stackFileSecretPaths(file, "other"), [["mesh", "istiodValues", "token"]]);
        // Every key holding a leaf is one the engine would call secret, whatever its namespace.
        assert.equal(stackFileSecretKeys(file).length, 7);
        assert.deepEqual(stackFileSecretPaths({ "nativemesh:mesh": "1.28.1" }, NS), []);
    });

    it("the key holding a leaf keeps its namespace, whatever the depth of the leaf", () => {
        assert.deepEqual(stackFileSecretKeys({ "nativemesh:mesh": secureLeaf(), "nativemesh:cloud": "gke" }), [
            "nativemesh:mesh",
        ]);
        assert.deepEqual(stackFileSecretKeys({ "nativemesh:mesh": { a: [[{ b: secureLeaf() }]] } }), [
            "nativemesh:mesh",
        ]);
        assert.deepEqual(stackFileSecretKeys({ "nativemesh:mesh": { a: [[{ b: { secure: 1 } }]] } }), []);
    });
});

describe("mutation, secrets: whether the stack file holds the config given", () => {
    it("a whole key set with --secret: its leaf is the key, unless the run was not given that key", () => {
        assert.deepEqual(locateMesh(secureLeaf(), { version: "1.28.1" }), leavesOf(["mesh"]));
        assert.deepEqual(locateMesh(secureLeaf(), "1.28.1"), leavesOf(["mesh"]));
        // The engine calls mesh secret, yet the config it gave has no mesh: the file is another one.
        assert.deepEqual(locateMesh(secureLeaf(), undefined), WHOLE);
    });

    it("lists: the same length and order as the file, beside the encrypted items", () => {
        const file = { baseValues: { pullSecrets: [secureLeaf(), "public"] } };
        const rows: Array<[string, unknown, object]> = [
            ["the same list", ["s3cr3t", "public"], leavesOf(["mesh", "baseValues", "pullSecrets", 0])],
            ["a longer list", ["s3cr3t", "public", "more"], WHOLE],
            ["a shorter list", ["s3cr3t"], WHOLE],
            ["another order", ["public", "s3cr3t"], WHOLE],
            ["another plain item", ["s3cr3t", "private"], WHOLE],
            ["a string where the file has a list", "sp", WHOLE],
            ["a map where the file has a list", { 0: "s3cr3t", 1: "public" }, WHOLE],
            ["an empty list", [], WHOLE],
        ];
        for (const [name, pullSecrets, expected] of rows) {
            assert.deepEqual(locateMesh(file, { baseValues: { pullSecrets } }), expected, name);
        }
    });

    it("a list whose first item differs and whose encrypted item comes second", () => {
        const file = { baseValues: { pullSecrets: ["public", secureLeaf()] } };
        assert.deepEqual(
            locateMesh(file, { baseValues: { pullSecrets: ["public", "s3cr3t"] } }),
            leavesOf(["mesh", "baseValues", "pullSecrets", 1]),
        );
        assert.deepEqual(locateMesh(file, { baseValues: { pullSecrets: ["private", "s3cr3t"] } }), WHOLE);
        // A longer list given whose extra items the file does not have.
        assert.deepEqual(locateMesh([secureLeaf()], ["s3cr3t", "extra"]), WHOLE);
        assert.deepEqual(locateMesh([secureLeaf()], ["s3cr3t"]), leavesOf(["mesh", 0]));
        // A string as long as the file's list is no list.
        assert.deepEqual(locateMesh({ pullSecrets: [secureLeaf()] }, { pullSecrets: "s" }), WHOLE);
    });

    it("maps: the same keys, no more, no fewer, equal values beside the encrypted ones", () => {
        const file = { version: "1.28.1", replicas: 2, strict: true, istiodValues: { token: secureLeaf() } };
        const token = ["mesh", "istiodValues", "token"];
        const rows: Array<[string, unknown, object]> = [
            [
                "the same map",
                { version: "1.28.1", replicas: 2, strict: true, istiodValues: { token: "t" } },
                leavesOf(token),
            ],
            [
                "in another key order",
                { istiodValues: { token: "t" }, strict: true, replicas: 2, version: "1.28.1" },
                leavesOf(token),
            ],
            ["a key more", { version: "1.28.1", replicas: 2, strict: true, istiodValues: { token: "t" }, x: 1 }, WHOLE],
            ["a key fewer", { version: "1.28.1", replicas: 2, istiodValues: { token: "t" } }, WHOLE],
            ["a key renamed", { version: "1.28.1", replicas: 2, strictt: true, istiodValues: { token: "t" } }, WHOLE],
            ["another version", { version: "1.29.0", replicas: 2, strict: true, istiodValues: { token: "t" } }, WHOLE],
            // Below the top, the engine gives numbers and booleans as they are: a string is another value.
            [
                "a nested number as a string",
                { version: "1.28.1", replicas: "2", strict: true, istiodValues: { token: "t" } },
                WHOLE,
            ],
            [
                "a nested boolean as a string",
                { version: "1.28.1", replicas: 2, strict: "true", istiodValues: { token: "t" } },
                WHOLE,
            ],
            ["a string where the file has a map", "version: 1.28.1", WHOLE],
            ["a list where the file has a map", [file], WHOLE],
            ["null where the file has a map", null, WHOLE],
            [
                "a map where the leaf's map was",
                { version: "1.28.1", replicas: 2, strict: true, istiodValues: "t" },
                WHOLE,
            ],
        ];
        for (const [name, given, expected] of rows) assert.deepEqual(locateMesh(file, given), expected, name);
    });

    it("numbers and booleans inside lists are compared as they are too", () => {
        const file = { ports: [8080, true, null, secureLeaf()] };
        const leaf = ["mesh", "ports", 3];
        assert.deepEqual(locateMesh(file, { ports: [8080, true, null, "t"] }), leavesOf(leaf));
        assert.deepEqual(locateMesh(file, { ports: ["8080", true, null, "t"] }), WHOLE);
        assert.deepEqual(locateMesh(file, { ports: [8080, "true", null, "t"] }), WHOLE);
        assert.deepEqual(locateMesh(file, { ports: [8080, true, "null", "t"] }), WHOLE);
    });

    it("a secret key whose file value holds no encrypted leaf is secret as a whole, even when it matches", () => {
        // E.g. set --secret in another file the run was given, while this one holds it in plaintext.
        assert.deepEqual(locateMesh({ version: "1.28.1" }, { version: "1.28.1" }), WHOLE);
        assert.deepEqual(locateMesh(["a", "b"], ["a", "b"]), WHOLE);
        assert.deepEqual(locateMesh("1.28.1", "1.28.1"), WHOLE);
        assert.deepEqual(locateSecretPaths(["mesh"], { mesh: { version: "1.28.1" } }, {}, NS), WHOLE);
    });

    it("each secret key on its own: leaves for the ones that match, the whole key for the others", () => {
        const file = {
            "nativemesh:existing": { kubeconfig: secureLeaf(), context: "ctx" },
            "nativemesh:mesh": { version: "1.28.1", istiodValues: { token: secureLeaf() } },
            "nativemesh:formance": { operator: { values: { token: secureLeaf() } } },
        };
        const given = {
            existing: { kubeconfig: "kube", context: "ctx" },
            mesh: { version: "1.29.0", istiodValues: { token: "t" } },
            formance: { operator: { values: { token: "f" } } },
        };
        assert.deepEqual(locateSecretPaths(["existing", "mesh", "formance"], given, file, NS), {
            paths: [["existing", "kubeconfig"], ["mesh"], ["formance", "operator", "values", "token"]],
            wholeKeys: ["mesh"],
        });
    });
});

describe("mutation, secrets: which values can be kept secret", () => {
    it("each revision's istiod values can, its other fields cannot", () => {
        const rows: Array<[ConfigPath, boolean]> = [
            [["mesh", "revisions", 0, "istiodValues"], true],
            [["mesh", "revisions", 1, "istiodValues", "pilot", "env", "TOKEN"], true],
            [["mesh", "revisions", "1", "istiodValues"], true],
            [["mesh", "revisions", 0, "version"], false],
            [["mesh", "revisions", 0, "name"], false],
            [["mesh", "revisions", 0, "baseValues"], false],
            [["mesh", "revisions", 0, "istiodValue"], false],
            [["mesh", "istiodValues", "pilot"], true],
            [["mesh", "version"], false],
            [["existing", "kubeconfig"], true],
            [["existing", "cluster"], false],
            [["formance", "serviceAnnotations", "gateway", "example.com/token"], true],
            [["namespaces", 2, "podTemplateAnnotations", "a"], true],
            [["namespaces", 2, "labels", "a"], false],
        ];
        for (const [path, capable] of rows) {
            assert.equal(uncoverableSecret([path]) === undefined, capable, path.join("."));
        }
        // A secret above a value that can be secret (all the revisions) is accepted: it holds one.
        assert.equal(uncoverableSecret([["mesh", "revisions"]]), undefined);
        assert.deepEqual(
            uncoverableSecret([
                ["mesh", "istiodValues"],
                ["mesh", "revisions", 0, "version"],
            ]),
            ["mesh", "revisions", 0, "version"],
        );
    });
});

describe("mutation, secrets: redacting", () => {
    it("each of several secrets is redacted, in maps and lists, and only they", () => {
        const config = {
            existing: { kubeconfig: "kube-yaml", context: "ctx" },
            mesh: {
                version: "1.28.1",
                revisions: [{ version: "1.29.0", istiodValues: { token: "t1" } }],
                baseValues: { pullSecrets: ["a", "b", "c"] },
            },
        };
        const paths: ConfigPath[] = [
            ["existing", "kubeconfig"],
            ["mesh", "revisions", 0, "istiodValues", "token"],
            ["mesh", "baseValues", "pullSecrets", 1],
        ];
        assert.deepEqual(redactSecrets(config, paths), {
            existing: { kubeconfig: REDACTED, context: "ctx" },
            mesh: {
                version: "1.28.1",
                revisions: [{ version: "1.29.0", istiodValues: { token: REDACTED } }],
                baseValues: { pullSecrets: ["a", REDACTED, "c"] },
            },
        });
        // The given config is left as it was.
        assert.equal(config.existing.kubeconfig, "kube-yaml");
    });

    it("values that hold no secret are returned as they are, not copied (a spec's objects stay what they are)", () => {
        class Endpoint {
            constructor(readonly url: string) {}
        }
        const endpoint = new Endpoint("https://canary.example.com");
        const labels = { team: "mesh" };
        const spec = { canary: { endpoint, labels }, mesh: { istiodValues: { token: "t" } }, list: [labels] };
        const out = redactSecrets(spec, [["mesh", "istiodValues", "token"]]);
        assert.equal(out.canary, spec.canary);
        assert.equal(out.list, spec.list);
        assert.ok(out.canary.endpoint instanceof Endpoint);
        assert.deepEqual(out.mesh, { istiodValues: { token: REDACTED } });
        assert.equal(redactSecrets(spec, []), spec);
        assert.equal(redactSecrets(spec, undefined), spec);
    });

    it("a secret deeper than a value is found in it, never taken for the value above it", () => {
        // A Helm values key may be any string, "undefined" too: it names a key, not a missing one.
        const config = istiod({ pilot: { env: { undefined: "t" } }, global: { hub: "gcr.io" } });
        const paths = [[...ISTIOD, "pilot", "env", "undefined"]];
        assert.deepEqual(
            redactSecrets(config, paths),
            istiod({ pilot: { env: { undefined: REDACTED } }, global: { hub: "gcr.io" } }),
        );
        const other = istiod({ pilot: { env: { TOKEN: "t" } } });
        assert.deepEqual(redactSecrets(other, paths), other);
        assert.ok(!holdsSecret(paths, [...ISTIOD, "pilot", "env", "TOKEN"]));
    });
});

describe("mutation, secrets: the secret texts of a config", () => {
    it("strings, numbers and booleans under the secret paths, lists included, once each", () => {
        const config = {
            mesh: {
                version: "1.28.1",
                istiodValues: {
                    port: 31337,
                    strict: false,
                    token: "hunter2-long",
                    again: "hunter2-long",
                    hosts: ["a.example.com", ["b.example.com"]],
                    nothing: null,
                },
                revisions: [{ version: "1.29.0", istiodValues: { token: "rev-token" } }],
            },
            existing: { kubeconfig: "kube-yaml", context: "ctx" },
        };
        assert.deepEqual(secretTexts(config, [ISTIOD, ["mesh", "revisions", 0, "istiodValues"]]), [
            "31337",
            "false",
            "hunter2-long",
            "a.example.com",
            "b.example.com",
            "rev-token",
        ]);
        // In the config's order, whichever order the paths come in.
        assert.deepEqual(
            secretTexts(config, [
                ["existing", "kubeconfig"],
                ["mesh", "istiodValues", "hosts", 1],
            ]),
            ["b.example.com", "kube-yaml"],
        );
        assert.deepEqual(secretTexts(config, [["mesh", "istiodValues", "hosts"]]), ["a.example.com", "b.example.com"]);
        assert.deepEqual(secretTexts(config, []), []);
        assert.deepEqual(secretTexts(config, undefined), []);
        assert.deepEqual(secretTexts("plain", [["mesh"]]), []);
        assert.deepEqual(secretTexts("whole", [[]]), ["whole"]);
    });

    it("a value above a secret path is not secret text", () => {
        // The paths say the token is inside pilot, the config has a plain string there.
        const config = istiod({ pilot: "disabled", list: ["x"] });
        assert.deepEqual(secretTexts(config, [[...ISTIOD, "pilot", "env", "TOKEN"]]), []);
        assert.deepEqual(secretTexts(config, [[...ISTIOD, "list", 0, "name"]]), []);
    });

    it("never the empty string, nor the REDACTED marker itself", () => {
        const config = istiod({ empty: "", marker: REDACTED, token: "tok", list: ["", REDACTED, "item"] });
        assert.deepEqual(secretTexts(config, [ISTIOD]), ["tok", "item"]);
        assert.deepEqual(secretTexts(istiod({ a: "", b: REDACTED }), [ISTIOD]), []);
        // So a message is not scrubbed between every two letters, nor the marker inside itself.
        assert.equal(
            scrubSecrets("istiod values: tok, [secret]", config, [ISTIOD]),
            "istiod values: [secret], [secret]",
        );
        assert.equal(scrubSecrets("key: a, b (c)", istiod({ a: "" }), [ISTIOD]), "key: a, b (c)");
    });
});

describe("mutation, secrets: scrubbing messages", () => {
    it("a secret that contains another is scrubbed whole, in whichever order they come", () => {
        const inner = "abcdefgh";
        const outer = "xx-abcdefgh-yy";
        const paths = [
            [...ISTIOD, "a"],
            [...ISTIOD, "b"],
        ];
        for (const [a, b] of [
            [inner, outer],
            [outer, inner],
        ]) {
            const config = istiod({ a, b });
            assert.equal(scrubSecrets(`got ${outer} and ${inner}`, config, paths), "got [secret] and [secret]");
        }
        // The same with short secrets: a word of its own inside a longer secret.
        for (const [a, b] of [
            ["ab", "ab cd"],
            ["ab cd", "ab"],
        ]) {
            assert.equal(scrubSecrets("x ab cd y ab", istiod({ a, b }), paths), "x [secret] y [secret]");
        }
    });

    it("a secret that is a part of the marker is scrubbed once", () => {
        const config = istiod({ token: "secret" });
        assert.equal(scrubSecrets("token secret, secrets", config, [ISTIOD]), "token [secret], [secret]s");
    });

    it("six characters and more anywhere; fewer only as a word of their own", () => {
        const rows: Array<[string, string, string]> = [
            ["abcdef", "xabcdefy abcdef", "x[secret]y [secret]"],
            ["abcdefg", "xabcdefgy", "x[secret]y"],
            ["abcde", "xabcdey abcde", "xabcdey [secret]"],
            ["abcde", "abcde_x x-abcde abcde5 abcde.", "abcde_x x-abcde abcde5 [secret]."],
            ["abcde", ".abcde (abcde) 'abcde'", ".abcde ([secret]) '[secret]'"],
            ["a.b", "a.b axb x.a.b", "[secret] axb x.a.b"],
        ];
        for (const [token, message, expected] of rows) {
            assert.equal(scrubSecrets(message, istiod({ token }), [ISTIOD]), expected, token);
        }
    });

    it("a secret needing JSON escapes is scrubbed raw and escaped, leaving the JSON quotes", () => {
        const token = 'pa"ss\\word\nnext';
        const config = istiod({ token });
        const json = JSON.stringify({ token });
        assert.equal(json, '{"token":"pa\\"ss\\\\word\\nnext"}');
        assert.equal(scrubSecrets(`values ${json}`, config, [ISTIOD]), 'values {"token":"[secret]"}');
        assert.equal(scrubSecrets(`raw: ${token}!`, config, [ISTIOD]), "raw: [secret]!");
        // One without escapes, quoted as JSON: the quotes stay.
        const plain = istiod({ token: "hunter2-long" });
        assert.equal(scrubSecrets('{"token":"hunter2-long","n":1}', plain, [ISTIOD]), '{"token":"[secret]","n":1}');
        // A short one with a quote: its escaped form, a word of its own, too.
        const short = istiod({ token: 'a"b' });
        assert.equal(scrubSecrets('got "a\\"b" and a"b', short, [ISTIOD]), 'got "[secret]" and [secret]');
    });

    it("numbers and booleans secret in a revision's istiod values are scrubbed where they stand alone", () => {
        const config = { mesh: { revisions: [{ version: "1.29.0", istiodValues: { port: 31337, debug: true } }] } };
        const paths = [["mesh", "revisions", 0, "istiodValues"]];
        assert.equal(
            scrubSecrets("port 31337, debug true, version 1.29.0", config, paths),
            "port [secret], debug [secret], version 1.29.0",
        );
    });
});
