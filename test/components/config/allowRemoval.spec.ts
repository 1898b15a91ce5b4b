/** `mesh.allowRemoval` as validateConfig reads it (components/config/allowRemoval.ts); whole messages. */
import * as assert from "node:assert/strict";
import { validateConfig } from "../../../components/config/config";
import { itRefuses } from "../../support/configFixtures";

const stack = (mesh: Record<string, unknown>) => ({
    cloud: "existing",
    existing: { kubeconfig: "~/.kube/config" },
    mesh: { method: "helm", ...mesh },
    canary: { enabled: false },
});

describe("components/config/allowRemoval", () => {
    it("takes revisions the configuration no longer installs, and defaults to none", () => {
        assert.deepEqual(validateConfig(stack({ version: "1.29.0", allowRemoval: ["1-28-1"] })).mesh.allowRemoval, [
            "1-28-1",
        ]);
        assert.deepEqual(validateConfig(stack({ version: "1.29.0" })).mesh.allowRemoval, []);
    });

    itRefuses([
        [
            "a revision the configuration installs",
            () => stack({ revisions: [{ version: "1.28.1" }, { version: "1.29.0" }], allowRemoval: ["1-29-0"] }),
            "nativemesh:mesh.allowRemoval[0]: '1-29-0' is installed by this configuration (mesh.revisions [1-28-1, 1-29-0]): allowRemoval names a revision the update removes",
        ],
        [
            "the same revision twice",
            () => stack({ version: "1.29.0", allowRemoval: ["1-28-1", "1-28-1"] }),
            "nativemesh:mesh.allowRemoval[1]: '1-28-1' is listed twice",
        ],
        [
            "a name that cannot be a revision",
            () => stack({ version: "1.29.0", allowRemoval: ["1.28.1"] }),
            `nativemesh:mesh.allowRemoval[0]: must be a DNS-1123 label for revision (lowercase letters, digits and '-', at most 63, no '.') (got "1.28.1")`,
        ],
    ]);
});
