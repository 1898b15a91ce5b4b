/**
 * The loopback Kubernetes cluster: etcd, kube-apiserver, kube-controller-manager and kube-scheduler built from
 * their Go modules, and kwok playing the kubelet of one fake node, so that Deployments get pods that turn Ready
 * and Jobs complete without a container runtime. Everything listens on 127.0.0.1.
 */
import * as fs from "node:fs";
import * as https from "node:https";
import * as net from "node:net";
import * as path from "node:path";
import { stringify } from "yaml";
import { ClusterCerts, makeCerts } from "./certs";
import { KUBECONFIG, RUN, tool, versions } from "./env";
import { kubectl, kubectlJson } from "./kubectl";
import { step } from "./log";
import { logTail, start } from "./processes";

export interface Cluster {
    server: string;
    certs: ClusterCerts;
    kubeconfig: string;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.once("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const { port } = srv.address() as net.AddressInfo;
            srv.close(() => resolve(port));
        });
    });
}

export async function waitFor(
    what: string,
    check: () => Promise<boolean>,
    timeoutMs: number,
    logName?: string,
): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        try {
            if (await check()) return;
        } catch {
            // not yet
        }
        await new Promise((r) => setTimeout(r, 500));
    }
    const tail = logName ? `\n--- last lines of ${logName}.log ---\n${logTail(logName)}` : "";
    throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${tail}`);
}

function httpsOk(url: string, certs: ClusterCerts): Promise<boolean> {
    return new Promise((resolve) => {
        const req = https.get(
            url,
            {
                ca: fs.readFileSync(certs.ca),
                cert: fs.readFileSync(certs.adminCert),
                key: fs.readFileSync(certs.adminKey),
                timeout: 2000,
            },
            (res) => {
                res.resume();
                resolve(res.statusCode === 200);
            },
        );
        req.on("error", () => resolve(false));
        req.on("timeout", () => {
            req.destroy();
            resolve(false);
        });
    });
}

function writeKubeconfig(server: string, certs: ClusterCerts): void {
    const b64 = (f: string) => fs.readFileSync(f).toString("base64");
    const config = {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "local", cluster: { server, "certificate-authority-data": b64(certs.ca) } }],
        users: [
            {
                name: "admin",
                user: { "client-certificate-data": b64(certs.adminCert), "client-key-data": b64(certs.adminKey) },
            },
        ],
        contexts: [{ name: "local", context: { cluster: "local", user: "admin" } }],
        "current-context": "local",
    };
    fs.writeFileSync(KUBECONFIG, stringify(config), { mode: 0o600 });
}

export async function startCluster(): Promise<Cluster> {
    const certs = makeCerts(path.join(RUN, "pki"));
    const kube = tool("kube");
    const [etcdClient, etcdPeer, apiPort, kcmPort, schedPort, kwokPort] = await Promise.all(
        Array.from({ length: 6 }, () => freePort()),
    );

    step(`starting etcd on 127.0.0.1:${etcdClient}`);
    start("etcd", path.join(tool("etcd"), "etcd"), [
        "--name=e2e",
        `--data-dir=${path.join(RUN, "etcd")}`,
        `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
        `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-cluster=e2e=http://127.0.0.1:${etcdPeer}`,
        "--unsafe-no-fsync",
        "--log-level=warn",
    ]);

    const server = `https://127.0.0.1:${apiPort}`;
    step(`starting kube-apiserver ${versions().KUBERNETES_VERSION} on ${server}`);
    start("kube-apiserver", path.join(kube, "kube-apiserver"), [
        `--etcd-servers=http://127.0.0.1:${etcdClient}`,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        `--secure-port=${apiPort}`,
        `--tls-cert-file=${certs.serverCert}`,
        `--tls-private-key-file=${certs.serverKey}`,
        `--client-ca-file=${certs.ca}`,
        `--requestheader-client-ca-file=${certs.ca}`,
        "--service-cluster-ip-range=10.0.0.0/24",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        `--service-account-key-file=${certs.saPub}`,
        `--service-account-signing-key-file=${certs.saKey}`,
        "--authorization-mode=Node,RBAC",
        // The `kubernetes` Service's endpoint would be 127.0.0.1, which EndpointSlices refuse; nothing here
        // reaches the API server through that Service, so it is not maintained.
        "--endpoint-reconciler-type=none",
        "--profiling=false",
        "--v=1",
    ]);
    await waitFor("kube-apiserver /readyz", () => httpsOk(`${server}/readyz`, certs), 120_000, "kube-apiserver");
    writeKubeconfig(server, certs);

    step("starting kube-controller-manager and kube-scheduler");
    start("kube-controller-manager", path.join(kube, "kube-controller-manager"), [
        `--kubeconfig=${KUBECONFIG}`,
        `--authentication-kubeconfig=${KUBECONFIG}`,
        `--authorization-kubeconfig=${KUBECONFIG}`,
        "--bind-address=127.0.0.1",
        `--secure-port=${kcmPort}`,
        "--leader-elect=false",
        `--service-account-private-key-file=${certs.saKey}`,
        `--root-ca-file=${certs.ca}`,
        "--use-service-account-credentials=false",
        // No cloud, no routes, no node IPAM: kwok gives pods their IPs.
        "--controllers=*,-nodeipam,-cloud-node-lifecycle,-route,-service-lb-controller",
        "--v=1",
    ]);
    start("kube-scheduler", path.join(kube, "kube-scheduler"), [
        `--kubeconfig=${KUBECONFIG}`,
        `--authentication-kubeconfig=${KUBECONFIG}`,
        `--authorization-kubeconfig=${KUBECONFIG}`,
        "--bind-address=127.0.0.1",
        `--secure-port=${schedPort}`,
        "--leader-elect=false",
        "--v=1",
    ]);

    step("starting kwok (the fake node's kubelet)");
    const kwok = tool("kwok");
    const stages = fs
        .readdirSync(path.join(kwok, "stages"))
        .filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml")
        .map((f) => `--config=${path.join(kwok, "stages", f)}`);
    start("kwok", path.join(kwok, "kwok"), [
        `--kubeconfig=${KUBECONFIG}`,
        "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
        // The node's heartbeat, as a kubelet's: a Lease in kube-node-lease renewed every quarter of its 40 s
        // (the kubelet's nodeLeaseDurationSeconds default: kubernetes v1.34.4,
        // pkg/kubelet/apis/config/v1beta1/defaults.go).
        // Without it the kwok binary renews nothing, the node lifecycle controller marks the node NotReady after
        // its grace period (about every 50 s) and with it every pod on it; kwok never sets them Ready again, so
        // a Deployment's readiness, and Helm's wait on it, depended on when the flap came.
        "--node-lease-duration-seconds=40",
        `--server-address=127.0.0.1:${kwokPort}`,
        ...stages,
    ]);
    await addFakeNode();
    await waitFor(
        "the default service account",
        async () => kubectl(["get", "serviceaccount", "default", "-n", "default"]).status === 0,
        60_000,
        "kube-controller-manager",
    );
    await waitFor(
        "the fake node to be Ready",
        async () => {
            const node = kubectlJson(["get", "node", "kwok-node-0"]) as {
                status?: { conditions?: Array<{ type: string; status: string }> };
            };
            return node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;
        },
        60_000,
        "kwok",
    );
    // The heartbeat the node lifecycle controller reads (see --node-lease-duration-seconds above): without a
    // renewed Lease the node and its pods would turn NotReady under the specs.
    await waitFor(
        "kwok to renew the fake node's Lease",
        async () => {
            const lease = kubectl(["get", "lease", "kwok-node-0", "-n", "kube-node-lease", "-o", "json"]);
            if (lease.status !== 0) return false;
            const spec = (JSON.parse(lease.stdout) as { spec?: { renewTime?: string } }).spec;
            return spec?.renewTime !== undefined;
        },
        60_000,
        "kwok",
    );
    return { server, certs, kubeconfig: KUBECONFIG };
}

/** One fake node that kwok manages (by its annotation), large enough for every pod of the specs. */
async function addFakeNode(): Promise<void> {
    const kubeVersion = `v${versions().KUBERNETES_VERSION}`;
    const node = {
        apiVersion: "v1",
        kind: "Node",
        metadata: {
            name: "kwok-node-0",
            annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
            labels: {
                "kubernetes.io/hostname": "kwok-node-0",
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                type: "kwok",
            },
        },
        status: {
            allocatable: { cpu: "64", memory: "256Gi", pods: "1000" },
            capacity: { cpu: "64", memory: "256Gi", pods: "1000" },
            nodeInfo: {
                kubeletVersion: kubeVersion,
                kubeProxyVersion: kubeVersion,
                architecture: "amd64",
                operatingSystem: "linux",
            },
        },
    };
    const file = path.join(RUN, "node.yaml");
    fs.writeFileSync(file, stringify(node));
    const res = kubectl(["apply", "-f", file]);
    if (res.status !== 0) throw new Error(`creating the fake node failed: ${res.stderr}`);
}
