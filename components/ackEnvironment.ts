import type { ClusterHandle, MeshEnvironment, MeshHandle } from "./meshEnvironment";
import type { EnvironmentSpec } from "./config";
import type { AckConfig } from "./ackConfig";

// TEMPORARY until the ACK components land (this session): replaced by the real wiring.
export function buildAckCluster(_p: MeshEnvironment, _n: string, _a: AckConfig): ClusterHandle {
    throw new Error("ack: not wired yet");
}
export function buildAlibabaMesh(_p: MeshEnvironment, _n: string, _s: EnvironmentSpec, _c: ClusterHandle): MeshHandle {
    throw new Error("alibaba-asm: not wired yet");
}
