import * as assert from "node:assert/strict";
import { injectionLabelsFor } from "../../../components/render/revisionLabel";

describe("injectionLabelsFor", () => {
    it("writes istio.io/rev alone for a revision or tag, istio-injection=enabled without one", () => {
        assert.deepEqual(injectionLabelsFor("1-28-1"), { "istio.io/rev": "1-28-1" });
        assert.deepEqual(injectionLabelsFor(undefined), { "istio-injection": "enabled" });
    });
});
