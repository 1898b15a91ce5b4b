import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { runPreview } from "../../cli/preview";
import { findProject, findProjectFile, PACKAGE_PROGRAM, readProject } from "../../cli/project";
import { tempDir } from "../support/tempDir";

const ROOT = path.resolve(__dirname, "..", "..");

/** A consumer's stack: an existing cluster, one namespace of its own, and a key of its own namespace. */
const CONSUMER_STACK = [
    "config:",
    "  shop:greeting: hello",
    "  nativemesh:cloud: existing",
    "  nativemesh:existing:",
    "    kubeconfig: kubeconfig",
    "  nativemesh:mesh:",
    "    method: helm",
    '    version: "1.28.1"',
    "  nativemesh:namespaces:",
    "    - name: shop",
    "",
].join("\n");

/** The consumer's program: MeshEnvironment from the stack's config, and resources of its own, one of which
 *  carries a workaround the pack reports (advisory) where native sidecars are on. */
const CONSUMER_PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { MeshEnvironment, specFromStackConfig } from ${JSON.stringify(path.join(ROOT, "components", "index.ts"))};

const env = new MeshEnvironment("shop-mesh", { spec: specFromStackConfig() });
const greeting = new pulumi.Config().require("greeting");
new k8s.core.v1.ConfigMap("shop-settings", { metadata: { namespace: "shop" }, data: { greeting } });
new k8s.apps.v1.Deployment("shop-web", {
    metadata: { namespace: "shop" },
    spec: {
        selector: { matchLabels: { app: "web" } },
        template: {
            metadata: {
                labels: { app: "web" },
                annotations: { "proxy.istio.io/config": "holdApplicationUntilProxyStarts: true" },
            },
            spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
        },
    },
}, { dependsOn: env });
export const revision = env.revision;
`;

/** A consumer project in a scratch folder: Pulumi.yaml with its own main and stackConfigDir, its stack, its
 *  program; node_modules from this checkout. */
function consumerProject(files: Record<string, string> = {}): string {
    const dir = tempDir("consumer");
    const all: Record<string, string> = {
        "Pulumi.yaml":
            "name: shop\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: src/index.ts\nstackConfigDir: config\n",
        "config/Pulumi.dev.yaml": CONSUMER_STACK,
        "src/index.ts": CONSUMER_PROGRAM,
        kubeconfig: "apiVersion: v1\nkind: Config\n",
        ...files,
    };
    for (const [name, text] of Object.entries(all)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text);
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    return dir;
}

async function preview(args: string[], cwd?: string) {
    let stdout = "";
    let stderr = "";
    const before = process.cwd();
    if (cwd !== undefined) process.chdir(cwd);
    try {
        const code = await runPreview(args, {
            stdout: { write: (t: string) => (stdout += t) },
            stderr: { write: (t: string) => (stderr += t) },
        });
        return { code, stdout, stderr };
    } catch (error) {
        return { code: 2, stdout, stderr: stderr + `${(error as Error).name}: ${(error as Error).message}` };
    } finally {
        process.chdir(before);
    }
}

interface PreviewJson {
    stack: string;
    resources: Array<{ urn: string; type: string; name: string; inputs: Record<string, unknown> }>;
    violations: Array<{ policy: string; enforcementLevel: string; urn?: string; message: string }>;
}

describe("cli/project: the Pulumi project found as the Pulumi CLI finds it", () => {
    it("walks up from a subfolder to the nearest Pulumi.yaml and reads name, main and stackConfigDir", () => {
        const dir = consumerProject();
        fs.mkdirSync(path.join(dir, "src", "deep"), { recursive: true });
        assert.equal(findProjectFile(path.join(dir, "src", "deep")), path.join(dir, "Pulumi.yaml"));
        const project = findProject(path.join(dir, "src", "deep"));
        assert.equal(project.name, "shop");
        assert.equal(project.program, path.join(dir, "src", "index.ts"));
        assert.equal(project.stackConfigDir, path.join(dir, "config"));
        assert.equal(project.isPackage, false);
    });

    it("resolves main as the language host does: a folder by its package.json main, else its index", () => {
        const dir = consumerProject({
            "Pulumi.yaml": "name: shop\nruntime: nodejs\n",
            "package.json": JSON.stringify({ name: "shop", main: "src/index.ts" }),
        });
        assert.equal(readProject(path.join(dir, "Pulumi.yaml")).program, path.join(dir, "src", "index.ts"));
        fs.unlinkSync(path.join(dir, "package.json"));
        fs.writeFileSync(path.join(dir, "index.js"), "");
        assert.equal(readProject(path.join(dir, "Pulumi.yaml")).program, path.join(dir, "index.js"));
    });

    it("this checkout is the package's own project: its program is the package's", () => {
        const project = findProject(path.join(ROOT, "components", "config"));
        assert.equal(project.isPackage, true);
        assert.equal(project.program, PACKAGE_PROGRAM);
        assert.equal(project.stackConfigDir, path.join(ROOT, "stacks"));
    });

    it("refuses a project of another runtime, and no project at all, in one line naming what was looked at", () => {
        const dir = consumerProject({ "Pulumi.yaml": "name: shop\nruntime: python\n" });
        assert.throws(
            () => findProject(dir),
            /Pulumi\.yaml: runtime "python": nativemesh preview runs Node\.js programs/,
        );
        const none = tempDir("noproject");
        if (findProjectFile(none) === undefined) {
            assert.throws(
                () => findProject(none),
                new RegExp(`no Pulumi project \\(Pulumi\\.yaml\\) in ${none} or above`),
            );
        }
    });
});

describe("cli/preview in a consumer project: its own program, stacks and name", function () {
    this.timeout(120_000);

    it("previews the project's own program and stack, with its resources, its name in URNs and the pack's verdict", async () => {
        const dir = consumerProject();
        const r = await preview(["--json"], path.join(dir, "src"));
        assert.equal(r.code, 0, r.stderr);
        assert.match(
            r.stderr,
            /Previewing stack dev of project shop \(\.\.\/config\/Pulumi\.dev\.yaml, src\/index\.ts\)/,
        );
        const plan = JSON.parse(r.stdout) as PreviewJson;
        const own = plan.resources.find((x) => x.type === "kubernetes:core/v1:ConfigMap" && x.name === "shop-settings");
        assert.ok(own, "the consumer's own ConfigMap is in the plan");
        assert.deepEqual(own.inputs.data, { greeting: "hello" });
        assert.equal(own.urn, "urn:pulumi:dev::shop::kubernetes:core/v1:ConfigMap::shop-settings");
        // The consumer's namespace from its own stack file, not the package's dev stack.
        const namespaces = plan.resources.filter((x) => x.type === "kubernetes:core/v1:Namespace").map((x) => x.name);
        assert.ok(
            namespaces.some((n) => n.endsWith("shop")),
            namespaces.join(", "),
        );
        assert.ok(!plan.resources.some((x) => x.type.startsWith("gcp:")), "nothing of the package's GKE dev stack");
        // The pack judges the consumer's own resources too.
        const advisory = plan.violations.filter((v) => v.policy === "no-legacy-sidecar-workarounds");
        assert.equal(advisory.length, 1, JSON.stringify(plan.violations));
        assert.match(advisory[0].urn ?? "", /Deployment::shop-web$/);
    });

    it("takes --cwd DIR and --stack from the project's stackConfigDir; --example reaches the package's stacks", async () => {
        const dir = consumerProject({
            "config/Pulumi.prod.yaml": CONSUMER_STACK.replace("name: shop", "name: shop-prod"),
        });
        const elsewhere = tempDir("elsewhere");
        const r = await preview(["--cwd", dir, "--stack", "prod", "--json"], elsewhere);
        assert.equal(r.code, 0, r.stderr);
        const names = (JSON.parse(r.stdout) as PreviewJson).resources.map((x) => x.name);
        assert.ok(
            names.some((n) => n.endsWith("shop-prod")),
            names.join(", "),
        );
        const unknown = await preview(["--stack", "gke-asm"], dir);
        assert.equal(unknown.code, 2);
        assert.match(
            unknown.stderr,
            /unknown stack 'gke-asm': config\/ has dev, prod; pass --config FILE, or --example NAME/,
        );
        const example = await preview(["--example", "gke-asm", "--json"], elsewhere);
        assert.equal(example.code, 0, example.stderr);
        assert.ok(
            (JSON.parse(example.stdout) as PreviewJson).resources.some((x) => x.type === "command:local:Command"),
        );
    });

    it("a program that throws is one line naming the program, exit 2", async () => {
        const dir = consumerProject({ "src/index.ts": 'throw new TypeError("no greeting configured");\n' });
        const r = await preview([], dir);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /ProgramError: src\/index\.ts: the program failed: no greeting configured$/);
    });

    it("a stack without nativemesh: keys is not checked as ours: the program composes the components itself", async () => {
        const dir = consumerProject({
            "config/Pulumi.dev.yaml": "config:\n  shop:greeting: hi\n",
            "src/index.ts": `import * as pulumi from "@pulumi/pulumi";\nimport * as k8s from "@pulumi/kubernetes";\nnew k8s.core.v1.ConfigMap("c", { data: { g: new pulumi.Config().require("greeting") } });\n`,
        });
        const r = await preview(["--json"], dir);
        assert.equal(r.code, 0, r.stderr);
        assert.ok((JSON.parse(r.stdout) as PreviewJson).resources.some((x) => x.name === "c"));
    });
});

describe("cli/preview outside any Pulumi project", function () {
    this.timeout(120_000);

    it("--config FILE runs nativemesh's own program; no option at all names what is missing", async () => {
        const dir = tempDir("noproject");
        if (findProjectFile(dir) !== undefined) return; // the scratch folder sits inside a project: nothing to test
        fs.writeFileSync(path.join(dir, "Pulumi.mine.yaml"), CONSUMER_STACK);
        const r = await preview(["--config", "Pulumi.mine.yaml", "--json"], dir);
        assert.equal(r.code, 0, r.stderr);
        assert.match(
            r.stderr,
            /Previewing stack mine of project nativemesh \(Pulumi\.mine\.yaml, nativemesh's program\)/,
        );
        // It runs where the command runs: the stack's relative kubeconfig is looked for there (and is not there).
        assert.match(r.stderr, new RegExp(`warning: nativemesh:existing\\.kubeconfig: no file at kubeconfig`));
        fs.writeFileSync(path.join(dir, "kubeconfig"), "apiVersion: v1\nkind: Config\n");
        const again = await preview(["--config", "Pulumi.mine.yaml"], dir);
        assert.equal(again.code, 0, again.stderr);
        assert.doesNotMatch(again.stderr, /warning/);
        const none = await preview([], dir);
        assert.equal(none.code, 2);
        assert.match(
            none.stderr,
            /no Pulumi project \(Pulumi\.yaml\) in .* or above: run in your project's folder, give --cwd DIR, or --example NAME/,
        );
    });
});
