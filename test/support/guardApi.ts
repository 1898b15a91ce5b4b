/**
 * A small API server (plain HTTP on 127.0.0.1, a free port) serving what the update-time guard reads
 * (components/live/guard.ts): istiod Deployments, namespaces, mutating webhook configurations and pods, each list or
 * a 403; with the kubeconfig a program would get for it and the requests it was sent.
 */
import * as http from "node:http";

export interface Served {
    deployments: unknown[] | "forbidden";
    namespaces: unknown[];
    webhooks: unknown[] | "forbidden";
    pods: unknown[];
}

/** An istiod Deployment of a revision, labelled as Istio's chart labels it (the guard reads these labels). */
export const istiod = (revision: string) => ({
    metadata: {
        name: `istiod-${revision}`,
        labels: {
            app: "istiod",
            "istio.io/rev": revision,
            "app.kubernetes.io/instance": `istiod-${revision}`,
            "app.kubernetes.io/version": revision.replace(/-/g, "."),
        },
    },
});

export async function guardApi(served: Served) {
    const requests: string[] = [];
    const server = http.createServer((req, res) => {
        const url = new URL(req.url ?? "/", "http://x");
        requests.push(
            `${url.pathname}${url.searchParams.get("labelSelector") ? `?${url.searchParams.get("labelSelector")}` : ""}`,
        );
        const send = (code: number, body: unknown) => {
            res.statusCode = code;
            res.setHeader("content-type", "application/json");
            res.end(JSON.stringify(body));
        };
        const list = (items: unknown[]) => send(200, { metadata: {}, items });
        const forbidden = () => send(403, { kind: "Status", code: 403, message: "forbidden" });
        switch (url.pathname) {
            case "/apis/apps/v1/namespaces/istio-system/deployments":
                return served.deployments === "forbidden" ? forbidden() : list(served.deployments);
            case "/api/v1/namespaces":
                return list(served.namespaces);
            case "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations":
                return served.webhooks === "forbidden" ? forbidden() : list(served.webhooks);
            case "/api/v1/pods":
                return list(served.pods);
            default:
                return send(404, { kind: "Status", code: 404, message: "not found" });
        }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const url = `http://127.0.0.1:${port}`;
    const kubeconfig = [
        "apiVersion: v1",
        "kind: Config",
        `clusters:\n- name: fake\n  cluster:\n    server: ${url}\n    insecure-skip-tls-verify: true`,
        "users:\n- name: u\n  user:\n    token: t",
        "contexts:\n- name: fake\n  context:\n    cluster: fake\n    user: u",
        "current-context: fake",
        "",
    ].join("\n");
    return {
        kubeconfig,
        url,
        requests,
        close: () => {
            server.closeAllConnections();
            server.close();
        },
    };
}
