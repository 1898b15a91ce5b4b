/**
 * Where the testbed keeps things, and the versions it builds (e2e/versions.env, one place).
 * Everything lives under .e2e/ (git-ignored) unless E2E_CACHE names another folder.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "..", "..");
export const CACHE = process.env.E2E_CACHE ? path.resolve(process.env.E2E_CACHE) : path.join(ROOT, ".e2e");
export const TOOLS = path.join(CACHE, "tools");
/** Everything one cluster run makes: certificates, etcd data, logs, state. Cleared at the next start. */
export const RUN = path.join(CACHE, "run");
export const LOGS = path.join(RUN, "logs");
export const STATE = path.join(RUN, "state");
export const KUBECONFIG = path.join(CACHE, "kubeconfig");
export const SHARED = path.resolve(ROOT, "..", "shared");

/** The passphrase of the file-backed state of the loopback testbed: it guards nothing but test state on this
 *  machine. stacks/Pulumi.local.yaml's encryptionsalt was made with it. */
export const PASSPHRASE = "nativemesh-local-testbed";

/** KEY=VALUE lines of e2e/versions.env. */
export function versions(): Record<string, string> {
    const text = fs.readFileSync(path.join(ROOT, "e2e", "versions.env"), "utf8");
    const out: Record<string, string> = {};
    for (const line of text.split("\n")) {
        const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
        if (m) out[m[1]] = m[2];
    }
    return out;
}

/** The folder of a built tool, e.g. tool("kube") -> .e2e/tools/kube-1.34.4. */
export function tool(
    name: "kube" | "etcd" | "kwok" | "istio" | "pulumi" | "langhost" | "kubeprovider" | "yaml" | "python",
): string {
    const v = versions();
    const version = {
        kube: v.KUBERNETES_VERSION,
        etcd: v.ETCD_VERSION,
        kwok: v.KWOK_VERSION,
        istio: v.ISTIO_VERSION,
        pulumi: v.PULUMI_VERSION,
        langhost: v.PULUMI_VERSION,
        kubeprovider: v.KUBERNETES_PROVIDER_VERSION,
        yaml: v.YAML_VERSION,
        python: v.PULUMI_VERSION,
    }[name];
    return path.join(TOOLS, `${name}-${version}`);
}

/** The folder of a built Istio release, e.g. .e2e/tools/istio-1.30.4 (e2e/build.sh steps istio and istio-previous):
 *  its pilot-discovery, and its base, istiod and cni charts under charts/. */
export function istioRelease(version: string): string {
    return path.join(TOOLS, `istio-${version}`);
}

/** The Istio releases the testbed builds: the local stack's, and the older one of the two-release upgrade. */
export function builtIstioReleases(): { current: string; previous: string } {
    const v = versions();
    return { current: v.ISTIO_VERSION, previous: v.ISTIO_PREVIOUS_VERSION };
}

/** PATH with the built tools first: pulumi, its language hosts and provider, kubectl. */
export function toolPath(): string {
    const dirs = (
        ["pulumi", "langhost", "yaml", "python", "kubeprovider", "kube", "istio", "etcd", "kwok"] as const
    ).map(tool);
    return [...dirs, process.env.PATH ?? ""].join(path.delimiter);
}

/** The environment every Pulumi and kubectl call of the testbed runs in: offline, file state, no downloads. */
export function toolEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
        ...process.env,
        PATH: toolPath(),
        KUBECONFIG,
        PULUMI_BACKEND_URL: `file://${STATE}`,
        PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
        PULUMI_HOME: path.join(CACHE, "pulumi-home"),
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_SKIP_CONFIRMATIONS: "true",
        NO_COLOR: "1",
        ...extra,
    };
}
