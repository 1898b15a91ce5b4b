import * as assert from "node:assert/strict";
import * as net from "node:net";
import { localWebhookPort, portTaken, portTakenMessage } from "../../../e2e/lib/webhookPort";

describe("e2e/lib/webhookPort: a second testbed refuses at start instead of reaching the first one's istiod", () => {
    it("reads the webhook port the local stack gives istiod", () => {
        assert.equal(localWebhookPort(), 15017);
    });

    it("tells a taken port from a free one", async () => {
        const server = net.createServer();
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const port = (server.address() as net.AddressInfo).port;
        try {
            assert.equal(await portTaken(port), true);
        } finally {
            await new Promise((resolve) => server.close(resolve));
        }
        assert.equal(await portTaken(port), false);
        assert.match(portTakenMessage(port), new RegExp(`^127\\.0\\.0\\.1:${port}, istiod's webhook port .* is taken`));
    });
});
