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
import { planStack, type PlannedResource } from "../cli/engine";
import { runPreview, type PreviewHooks } from "../cli/preview";
import { loadStackFile, UsageError } from "../cli/stackFile";
import { ConfigError, validateConfig } from "../components/config/config";
import {
    holdsSecret,
    locateSecretPaths,
    redactSecrets,
    scrubSecrets,
    stackFileSecretKeys,
    stackFileSecretPaths,
    uncoverableSecret,
} from "../components/config/secrets";
import { tempDir } from "./support/tempDir";

const ROOT = path.resolve(__dirname, "..");
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
            // A key that cannot be secret is refused as such before its value is read (not "malformed, got [secret]").
            assert.match(err.message, /nativemesh:mesh\.istiodReplicas: cannot be kept secret/);
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
