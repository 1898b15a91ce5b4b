/**
 * A user's own TypeScript project, made as a user makes one: the package packed by `npm pack` (its `prepare`
 * builds what it ships) and installed from the tarball; a Pulumi.yaml of its own (name, main, stackConfigDir), a
 * stack file of its own, and a program that composes MeshEnvironment with resources of its own. The installed
 * `nativemesh preview`, run in a subfolder of that project, previews that program and stack (its own resources,
 * its project name in the URNs, the pack's verdict on them); then the real engine deploys it to the loopback
 * cluster and destroys it (consumers.ts deployAndDestroy).
 *
 * The tarball is installed as `npm install ./nativemesh-<version>.tgz` lays it out (unpacked into
 * node_modules/nativemesh, its bin linked), with every dependency linked from this checkout's node_modules: the
 * testbed has no registry, and npm's offline mode cannot resolve a tarball's dependencies without a lock file.
 * esbuild and tsx are left out, as from a user's project: the installed CLI must run a TypeScript program without
 * them (it takes the Pulumi SDK's TypeScript registration, as `pulumi up` does).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { ROOT, RUN } from "../lib/env";
import { kubectlJson } from "../lib/kubectl";
import { step } from "../lib/log";
import { expect, Spec } from "../lib/spec";
import { consumerInputs, deployAndDestroy, localStackAway } from "./consumers";
import { tail } from "./deploy";

const NAMESPACE = "consumer-ts";
const STACK = "consumer";

/** The consumer's program: the mesh from its stack's `nativemesh:` config, a ConfigMap and a Deployment of its
 *  own. The Deployment keeps a regular-sidecar workaround the pack reports (advisory) where sidecars are native. */
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { MeshEnvironment, specFromStackConfig } from "nativemesh";

const env = new MeshEnvironment("shop", { spec: specFromStackConfig() });
const config = new pulumi.Config();

export const settings = new k8s.core.v1.ConfigMap(
    "shop-settings",
    { metadata: { name: "shop-settings", namespace: "${NAMESPACE}" }, data: { greeting: config.require("greeting") } },
    { dependsOn: [env] },
).metadata.name;

new k8s.apps.v1.Deployment(
    "shop-web",
    {
        metadata: { name: "shop-web", namespace: "${NAMESPACE}", annotations: { "pulumi.com/skipAwait": "true" } },
        spec: {
            replicas: 1,
            selector: { matchLabels: { app: "shop-web" } },
            template: {
                metadata: {
                    labels: { app: "shop-web" },
                    annotations: { "proxy.istio.io/config": "holdApplicationUntilProxyStarts: true" },
                },
                spec: { containers: [{ name: "web", image: "nginx:1.27.3" }] },
            },
        },
    },
    { dependsOn: [env] },
);

export const revision = env.revision ?? null;
export const namespaces = env.namespaces.map((ns) => ns.name);
export const canaryJob = env.canary?.job.metadata.name;
`;

/** Pulumi's TypeScript template's compiler options (\`pulumi new typescript\`): strict, library types checked. */
const TSCONFIG = {
    compilerOptions: {
        strict: true,
        outDir: "bin",
        target: "es2020",
        module: "commonjs",
        moduleResolution: "node",
        sourceMap: true,
        experimentalDecorators: true,
        pretty: true,
        noFallthroughCasesInSwitch: true,
        noImplicitReturns: true,
        forceConsistentCasingInFileNames: true,
    },
    files: ["index.ts"],
};

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
    return spawnSync(command, args, { cwd, encoding: "utf8", env, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
}

/** `npm pack` of this checkout into `dir` (its `prepare` script builds dist/); the tarball's path. */
function packPackage(dir: string): string {
    const packed = run("npm", ["pack", "--json", "--pack-destination", dir], ROOT);
    expect(packed.status === 0, `npm pack failed:\n${tail(packed.stdout + packed.stderr)}`);
    const [{ filename }] = JSON.parse(packed.stdout.slice(packed.stdout.search(/^\[/m))) as Array<{ filename: string }>;
    return path.join(dir, filename);
}

/** The tarball installed into the project's node_modules as npm lays it out; dependencies linked (see above). */
function install(project: string, tarball: string): string {
    const modules = path.join(project, "node_modules");
    const installed = path.join(modules, "nativemesh");
    fs.mkdirSync(installed, { recursive: true });
    const untar = run("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"], project);
    expect(untar.status === 0, `tar: ${untar.stderr}`);
    const left = new Set(["nativemesh", "esbuild", "@esbuild", "tsx"]);
    for (const entry of fs.readdirSync(path.join(ROOT, "node_modules"))) {
        if (entry.startsWith(".") || left.has(entry)) continue;
        fs.symlinkSync(path.join(ROOT, "node_modules", entry), path.join(modules, entry));
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")) as {
        bin: Record<string, string>;
    };
    const binFile = path.join(installed, pkg.bin.nativemesh);
    expect((fs.statSync(binFile).mode & 0o111) !== 0, `${pkg.bin.nativemesh} is not executable in the tarball`);
    fs.mkdirSync(path.join(modules, ".bin"));
    const bin = path.join(modules, ".bin", "nativemesh");
    fs.symlinkSync(path.join("..", "nativemesh", pkg.bin.nativemesh), bin);
    return bin;
}

/** The consumer's stack file: the testbed's mesh (consumers.ts consumerInputs) and a key of its own. */
function stackFile(): string {
    const config: Record<string, unknown> = { "shop:greeting": "hello" };
    for (const [key, value] of Object.entries(consumerInputs(NAMESPACE))) config[`nativemesh:${key}`] = value;
    return stringify({ config });
}

interface PreviewJson {
    stack: string;
    resources: Array<{ urn: string; type: string; name: string; inputs: Record<string, unknown> }>;
    violations: Array<{ policy: string; enforcementLevel: string; urn?: string }>;
}

export const consumerProject: Spec = {
    name: "consumer project: an npm-packed nativemesh in a TypeScript project of its own; `nativemesh preview` previews that project's program, and it deploys",
    async run(ctx) {
        const dir = path.join(RUN, "consumers", "typescript");
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(path.join(dir, "config"), { recursive: true });
        fs.mkdirSync(path.join(dir, "sub"));
        const tarball = packPackage(dir);
        step(`packed ${path.basename(tarball)}`);
        fs.writeFileSync(
            path.join(dir, "Pulumi.yaml"),
            stringify({
                name: "shop",
                runtime: { name: "nodejs", options: { typescript: true } },
                main: "index.ts",
                stackConfigDir: "config",
            }),
        );
        fs.writeFileSync(
            path.join(dir, "package.json"),
            JSON.stringify(
                {
                    name: "shop",
                    private: true,
                    dependencies: { nativemesh: `file:${path.basename(tarball)}` },
                },
                null,
                2,
            ),
        );
        fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 2));
        fs.writeFileSync(path.join(dir, "index.ts"), PROGRAM);
        fs.writeFileSync(path.join(dir, "config", `Pulumi.${STACK}.yaml`), stackFile());
        const bin = install(dir, tarball);

        // Offline, from a subfolder: the project is found upwards; its program, its stack, its name.
        const env = { ...process.env, NATIVEMESH_DEBUG: "" };
        const preview = run(bin, ["preview", "--json"], path.join(dir, "sub"), env);
        expect(preview.status === 0, `nativemesh preview exited ${preview.status}:\n${tail(preview.stderr)}`);
        expect(
            preview.stderr.includes(
                `Previewing stack ${STACK} of project shop (../config/Pulumi.${STACK}.yaml, index.ts)`,
            ),
            `the preview did not name the project's stack and program:\n${tail(preview.stderr)}`,
        );
        const plan = JSON.parse(preview.stdout) as PreviewJson;
        const own = plan.resources.find((r) => r.type === "kubernetes:core/v1:ConfigMap" && r.name === "shop-settings");
        expect(own !== undefined, "the project's own ConfigMap is not in the preview");
        expect(
            own.urn === `urn:pulumi:${STACK}::shop::kubernetes:core/v1:ConfigMap::shop-settings`,
            `its URN is ${own.urn}`,
        );
        expect(
            JSON.stringify(own.inputs.data) === JSON.stringify({ greeting: "hello" }),
            `its data: ${JSON.stringify(own.inputs.data)}`,
        );
        expect(
            plan.resources.some((r) => r.type === "nativemesh:index:MeshEnvironment" && r.name === "shop"),
            "no MeshEnvironment named shop in the preview",
        );
        const verdict = plan.violations.map((v) => `${v.policy}/${v.enforcementLevel}/${v.urn?.split("::").pop()}`);
        expect(
            JSON.stringify(verdict) === JSON.stringify(["no-legacy-sidecar-workarounds/advisory/shop-web"]),
            `the pack's verdict: ${JSON.stringify(verdict)} (expected the advisory on the project's own Deployment)`,
        );
        const examples = run(bin, ["preview", "--example", "dev", "--json"], dir, env);
        expect(
            examples.status === 0,
            `nativemesh preview --example dev exited ${examples.status}: ${tail(examples.stderr)}`,
        );
        expect(
            (JSON.parse(examples.stdout) as PreviewJson).resources.some((r) => r.type.startsWith("gcp:")),
            "--example dev is not the package's GKE example",
        );

        // The real engine: the same project deploys and is destroyed.
        await localStackAway(ctx);
        await deployAndDestroy(dir, NAMESPACE, {}, () => {
            const map = kubectlJson(["get", "configmap", "shop-settings", "-n", NAMESPACE]) as {
                data?: Record<string, string>;
            };
            expect(map.data?.greeting === "hello", `the project's ConfigMap: ${JSON.stringify(map.data)}`);
            const web = kubectlJson(["get", "deployment", "shop-web", "-n", NAMESPACE]) as {
                metadata: { name: string };
            };
            expect(web.metadata.name === "shop-web", "the project's Deployment is not in the cluster");
        });
    },
};
