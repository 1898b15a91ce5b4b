/**
 * Config that is accepted but weakens the environment: one line each, naming the key, what it exposes and what
 * to do instead. The offline preview prints them on stderr, MeshEnvironment logs them with `pulumi.log.warn`
 * (shown by `pulumi preview` and `pulumi up`). Pure: no Pulumi import.
 */
import { configKey, type EnvironmentSpec } from "./config";

/** A CIDR that matches every address: IPv4 `0.0.0.0/0`, IPv6 `::/0`, any address with prefix length 0. */
export function isWholeInternet(cidr: string): boolean {
    return /\/0*0$/.test(cidr.trim());
}

/** The warnings of a validated configuration, in the order of its keys. */
export function configWarnings(spec: EnvironmentSpec): string[] {
    const warnings: string[] = [];
    spec.gke?.authorizedNetworks.forEach((network, i) => {
        if (!isWholeInternet(network.cidrBlock)) return;
        warnings.push(
            `${configKey(["gke", "authorizedNetworks", i, "cidrBlock"])}: ${network.cidrBlock} lets every address on ` +
                "the Internet reach the control plane's public endpoint (Google \"Harden your cluster's security\": " +
                "restrict access to the control plane); list your own networks, or set gke.privateEndpoint: true",
        );
    });
    return warnings;
}
