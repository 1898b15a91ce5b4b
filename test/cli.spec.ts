import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { ConfigError, namespaceConfig, validateConfig } from "../components/config/config";
import { ackConfigSchema } from "../components/config/ackConfig";
import { runPreview } from "../cli/preview";
import { OUT_MANIFEST } from "../cli/planOutput";

const ROOT = path.resolve(__dirname, "..");

function cli(args: string[], timeout = 60_000) {
    const started = Date.now();
    const r = spawnSync(process.execPath, ["--require", "tsx/cjs", path.join(ROOT, "cli", "main.ts"), ...args], {
        cwd: ROOT,
        encoding: "utf8",
        timeout,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

async function preview(args: string[]) {
    let stdout = "";
    let stderr = "";
    let code: number;
    try {
        code = await runPreview(args, {
            stdout: { write: (t: string) => (stdout += t) },
            stderr: { write: (t: string) => (stderr += t) },
        });
    } catch (error) {
        return { code: 2, stdout, stderr: stderr + (error as Error).message };
    }
    return { code, stdout, stderr };
}

const oneLine = (r: { status: number | null; stdout: string; stderr: string }, expected: RegExp) => {
    assert.equal(r.status, 2, r.stderr);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], expected);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
};

describe("cli: help everywhere, exit 0", () => {
    for (const args of [["--help"], ["-h"], ["help"], ["preview", "--help"], ["audit", "--help"]]) {
        it(`nativemesh ${args.join(" ")}`, () => {
            const r = cli(args);
            assert.equal(r.status, 0, r.stderr);
            assert.match(r.stdout, /usage: nativemesh/);
            if (args[0] !== "audit" && args[0] !== "preview") assert.match(r.stdout, /--policy-config FILE/);
        });
    }
    it("an unknown command is one line, exit 2", () => oneLine(cli(["previw"]), /unknown command 'previw'/));
});

describe("cli: --out", () => {
    let tmp: string;
    beforeEach(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nativemesh-out-"));
    });
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("replaces what an earlier --out wrote, so no file of an earlier plan stays beside the new one", async () => {
        const out = path.join(tmp, "out");
        assert.equal((await preview(["--stack", "gke-asm", "--out", out])).code, 0);
        assert.ok(fs.existsSync(path.join(out, "asmcli", "install.sh")));
        const r = await preview(["--stack", "gke-prod", "--out", out]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(fs.existsSync(path.join(out, "asmcli")), false, "gke-asm's asmcli files are gone");
        const listed = fs.readFileSync(path.join(out, OUT_MANIFEST), "utf8").trim().split("\n");
        const present: string[] = [];
        const walk = (d: string) => {
            for (const e of fs.readdirSync(path.join(out, d), { withFileTypes: true })) {
                const name = d ? `${d}/${e.name}` : e.name;
                if (e.isDirectory()) walk(name);
                else if (name !== OUT_MANIFEST) present.push(name);
            }
        };
        walk("");
        assert.deepEqual(present.sort(), [...listed].sort());
    });

    it("refuses a folder holding files it did not write", async () => {
        fs.writeFileSync(path.join(tmp, "mine.yaml"), "kind: Secret\n");
        oneLine(cli(["preview", "--out", tmp]), /--out \S+: cannot write the plan files there \(it holds mine\.yaml/);
        assert.equal(fs.readFileSync(path.join(tmp, "mine.yaml"), "utf8"), "kind: Secret\n");
    });

    it("fails at once, with one line, under a path that cannot be made", () => {
        const r = cli(["preview", "--out", "/proc/nativemesh-test/out"], 20_000);
        oneLine(r, /--out \/proc\/nativemesh-test\/out: cannot write the plan files there/);
        assert.ok(r.ms < 15_000, `${r.ms} ms`);
    });

    it("never follows a link: neither --out itself nor one planted inside", async () => {
        const real = path.join(tmp, "real");
        fs.mkdirSync(real);
        fs.symlinkSync(real, path.join(tmp, "link"));
        oneLine(cli(["preview", "--out", path.join(tmp, "link")]), /symbolic link/);
        const out = path.join(tmp, "out");
        assert.equal((await preview(["--out", out])).code, 0);
        const victim = path.join(tmp, "victim");
        fs.writeFileSync(victim, "untouched\n");
        fs.symlinkSync(victim, path.join(out, "k8s", "planted.yaml"));
        oneLine(cli(["preview", "--out", out]), /it holds k8s\/planted\.yaml/);
        assert.equal(fs.readFileSync(victim, "utf8"), "untouched\n");
    });

    it("writes an asmcli script that runs as written: it reads overlay.yaml beside it and has the run bit", async () => {
        const out = path.join(tmp, "out");
        assert.equal((await preview(["--stack", "gke-asm", "--out", out])).code, 0);
        const script = path.join(out, "asmcli", "install.sh");
        assert.ok((fs.statSync(script).mode & 0o111) !== 0, "executable");
        const plan = parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.gke-asm.yaml"), "utf8")) as {
            config: { "nativemesh:mesh": { version: string } };
        };
        const release = plan.config["nativemesh:mesh"].version;
        // The stack's asmcli path is ./asmcli: a stand-in in the folder the script is run from.
        fs.writeFileSync(
            path.join(tmp, "asmcli"),
            `#!/bin/sh\nif [ "$1" = --version ]; then echo ${release}; exit 0; fi\n` +
                `while [ $# -gt 0 ]; do [ "$1" = --custom_overlay ] && cp "$2" "${tmp}/overlay-seen"; shift; done\n`,
            { mode: 0o755 },
        );
        const env = { ...process.env };
        delete env.NATIVEMESH_OVERLAY;
        const r = spawnSync(script, [], { cwd: tmp, encoding: "utf8", env: { ...env, TMPDIR: tmp } });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(
            fs.readFileSync(path.join(tmp, "overlay-seen"), "utf8"),
            fs.readFileSync(path.join(out, "asmcli", "overlay.yaml"), "utf8"),
        );
    });
});

describe("cli: --stack reads only stacks/", () => {
    for (const name of ["/../../etc/passwd", "../test/fixtures/stacks/Pulumi.existing", ".hidden", "a/b"]) {
        it(`refuses --stack ${JSON.stringify(name)}`, () =>
            oneLine(cli(["preview", "--stack", name]), /--stack .*not a stack name/));
    }
});

describe("config: keys users get wrong", () => {
    it("names keys in a misspelt namespace instead of ignoring them", () => {
        for (const key of ["nativemes:cloud", "native-mesh:mesh", "NativeMesh:cloud", "nativemeshh:canary"]) {
            assert.throws(
                () => namespaceConfig({ [key]: "gke", "gcp:project": "p" }),
                (e: Error) => e instanceof ConfigError && e.message.startsWith(`${key}: the namespace`),
            );
        }
        assert.deepEqual(
            namespaceConfig({ "gcp:project": "p", "kubernetes:context": "c", "nativemesh:cloud": "gke" }),
            {
                cloud: "gke",
            },
        );
    });

    const base = { cloud: "existing", existing: { kubeconfig: "k" }, mesh: { method: "helm", version: "1.28.1" } };
    const problem = (raw: unknown) => {
        try {
            validateConfig(raw);
        } catch (e) {
            return (e as Error).message;
        }
        return "";
    };

    it("refuses labels.istio.io/rev with its own reason, and istio-injection with its own", () => {
        const rev = problem({ ...base, namespaces: [{ name: "a", labels: { "istio.io/rev": "x" } }] });
        assert.match(rev, /labels\.istio\.io\/rev: is set by nativemesh to the revision.*revisionTag/);
        assert.doesNotMatch(rev, /istio-injection/);
        const inj = problem({ ...base, namespaces: [{ name: "a", labels: { "istio-injection": "enabled" } }] });
        assert.match(inj, /labels\.istio-injection: .*ignores istio\.io\/rev/);
    });

    const gke = (over: Record<string, unknown>) => ({
        cloud: "gke",
        gke: {
            project: "acme-mesh",
            location: "europe-west1",
            clusterName: "c",
            kubernetesVersion: "1.33.5-gke.1308000",
            nodePools: [{ name: "p" }],
            authorizedNetworks: [{ cidrBlock: "203.0.113.0/24" }],
            ...over,
        },
        mesh: { method: "helm", version: "1.28.1" },
    });
    const bad: Array<[string, Record<string, unknown>, RegExp]> = [
        ["a /33", { masterIpv4CidrBlock: "172.16.0.0/33" }, /masterIpv4CidrBlock: must be an IPv4 CIDR/],
        ["octet 300", { masterIpv4CidrBlock: "300.16.0.0/28" }, /masterIpv4CidrBlock: must be an IPv4 CIDR/],
        ["a /24 control plane", { masterIpv4CidrBlock: "172.16.0.0/24" }, /masterIpv4CidrBlock: .*\/28/],
        [
            "an authorized /40",
            { authorizedNetworks: [{ cidrBlock: "10.0.0.0/40" }] },
            /cidrBlock: must be an IPv4 CIDR/,
        ],
    ];
    for (const [name, over, expected] of bad) {
        it(`GKE CIDRs are validated as the ACK ones: ${name}`, () => assert.match(problem(gke(over)), expected));
    }
    it("GKE takes a /28 control plane and real CIDRs", () =>
        assert.equal(problem(gke({ masterIpv4CidrBlock: "172.16.0.32/28" })), ""));

    it("chart repositories are https or oci only", () => {
        assert.match(
            problem({ ...base, mesh: { ...base.mesh, chartRepository: "http://charts.example.com" } }),
            /https:\/\/ or oci:\/\//,
        );
        assert.equal(
            problem({ ...base, mesh: { ...base.mesh, chartRepository: "oci://registry.example.com/istio" } }),
            "",
        );
    });

    it("the canary image refuses :latest and no tag, and takes a digest", () => {
        for (const image of ["curlimages/curl:latest", "curlimages/curl", "registry:5000/curl"]) {
            assert.match(
                problem({ ...base, canary: { image } }),
                /canary\.image: must name a tag other than latest/,
                image,
            );
        }
        const digest = `curlimages/curl@sha256:${"a".repeat(64)}`;
        for (const image of [digest, "registry:5000/curl:8.11.1", `curlimages/curl:8.11.1@sha256:${"b".repeat(64)}`]) {
            assert.equal(problem({ ...base, canary: { image } }), "", image);
        }
    });
});

describe("config: ACK defaults", () => {
    const ack = {
        region: "cn-hangzhou",
        clusterName: "c",
        kubernetesVersion: "1.30.1-aliyun.1",
        vpc: { vpcId: "vpc-a1", vswitchIds: ["vsw-a1"] },
        podCidr: "172.20.0.0/16",
        nodePools: [{ name: "p", instanceTypes: ["ecs.g7.xlarge"], desiredSize: 1 }],
    };
    it("private API server, RRSA on and a one-hour credential unless asked otherwise", () => {
        const parsed = ackConfigSchema.parse(ack);
        assert.equal(parsed.publicApiServer, false);
        assert.equal(parsed.rrsa, true);
        assert.equal(parsed.credentialMinutes, 60);
    });
    it("credentialMinutes stays within ACK's 15-4320", () => {
        for (const credentialMinutes of [5, 5000, 30.5]) {
            assert.equal(
                ackConfigSchema.safeParse({ ...ack, credentialMinutes }).success,
                false,
                String(credentialMinutes),
            );
        }
    });
});

describe("cli: existing.kubeconfig naming no file", () => {
    it("is warned about on stderr, naming the key", async () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nativemesh-kc-"));
        const file = path.join(tmp, "Pulumi.kc.yaml");
        fs.writeFileSync(
            file,
            "config:\n  nativemesh:cloud: existing\n  nativemesh:existing:\n    kubeconfig: /nonexistent/kubeconfig\n" +
                '  nativemesh:mesh:\n    method: helm\n    version: "1.28.1"\n',
        );
        const r = await preview(["--config", file, "--json"]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /warning: nativemesh:existing\.kubeconfig: no file at \/nonexistent\/kubeconfig/);
        fs.rmSync(tmp, { recursive: true, force: true });
    });
});
