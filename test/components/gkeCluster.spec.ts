/**
 * The hardened defaults of GkeCluster (components/gkeCluster.ts), as the offline preview records them for a
 * minimal stack that sets none of them: Dataplane V2 (CIS GKE 1.4 5.6.7), Binary Authorization with its API
 * (5.10.5), application-layer Secrets encryption when a key is given (5.3.1).
 */
import * as assert from "node:assert/strict";
import { ConfigError, validateConfig } from "../../components/config/config";
import { GKE_SECTION } from "../support/configFixtures";
import { ofType, previewConfig as preview } from "../support/previewConfig";

const KEY = "projects/acme-kms/locations/europe-west1/keyRings/gke/cryptoKeys/secrets";
const minimalGke = (gke: Record<string, unknown> = {}) => ({
    cloud: "gke",
    gke: { ...structuredClone(GKE_SECTION), ...gke },
    mesh: { method: "helm", version: "1.28.1" },
});

describe("GkeCluster: a minimal GKE stack previews hardened", () => {
    it("Dataplane V2, Binary Authorization enforcing the project policy (its API enabled), GKE's own encryption at rest", async () => {
        const resources = await preview(minimalGke());
        const [cluster] = ofType(resources, "gcp:container/cluster:Cluster");
        assert.equal(cluster.inputs.datapathProvider, "ADVANCED_DATAPATH");
        assert.deepEqual(cluster.inputs.binaryAuthorization, { evaluationMode: "PROJECT_SINGLETON_POLICY_ENFORCE" });
        assert.equal(cluster.inputs.databaseEncryption, undefined);
        assert.equal(cluster.inputs.deletionProtection, true);
        const apis = ofType(resources, "gcp:projects/service:Service").map((r) => r.inputs.service);
        assert.deepEqual(apis, ["binaryauthorization.googleapis.com"]);
        assert.deepEqual(ofType(resources, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"), []);
    });

    it("a KMS key encrypts Secrets at the application layer, and the GKE service agent may use it", async () => {
        const resources = await preview(minimalGke({ secretsEncryptionKey: KEY }));
        const [cluster] = ofType(resources, "gcp:container/cluster:Cluster");
        assert.deepEqual(cluster.inputs.databaseEncryption, { state: "ENCRYPTED", keyName: KEY });
        const [grant] = ofType(resources, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember");
        assert.equal(grant.inputs.cryptoKeyId, KEY);
        assert.equal(grant.inputs.role, "roles/cloudkms.cryptoKeyEncrypterDecrypter");
    });

    it("each can be turned off explicitly", async () => {
        const resources = await preview(minimalGke({ dataplaneV2: false, binaryAuthorization: false }));
        const [cluster] = ofType(resources, "gcp:container/cluster:Cluster");
        assert.equal(cluster.inputs.datapathProvider, undefined);
        assert.equal(cluster.inputs.binaryAuthorization, undefined);
        assert.deepEqual(ofType(resources, "gcp:projects/service:Service"), []);
    });

    it("a key that is not a Cloud KMS key name is refused on one line naming the key", () => {
        assert.throws(
            () => validateConfig(minimalGke({ secretsEncryptionKey: "my-key" })),
            (err: unknown) =>
                err instanceof ConfigError &&
                /^nativemesh:gke\.secretsEncryptionKey: must be a Cloud KMS key name projects\/PROJECT\/locations\/LOCATION\/keyRings\/RING\/cryptoKeys\/KEY .*\(got "my-key"\)$/.test(
                    err.message,
                ),
        );
    });
});
