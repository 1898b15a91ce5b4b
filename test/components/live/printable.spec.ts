/** components/live/printable.ts: control characters from a cluster shown as visible escapes; server text on one line. */
import * as assert from "node:assert/strict";
import { jsonText, MAX_SERVER_TEXT, printable, printableDeep, serverText } from "../../../components/live/printable";

describe("printable: control characters as visible escapes", () => {
    const rows: Array<[string, string, string]> = [
        ["ESC of a title sequence and BEL", "a\u001b]0;owned\u0007b", "a\\x1b]0;owned\\x07b"],
        ["clear screen", "\u001b[2J", "\\x1b[2J"],
        ["line feed, carriage return, tab", "a\nb\rc\td", "a\\nb\\rc\\td"],
        ["NUL and DEL", "\u0000\u007f", "\\x00\\x7f"],
        ["C1 CSI", "\u009b2J", "\\x9b2J"],
        ["Unicode line separator and a bidi override", "a\u2028b\u202ec", "a\\u2028b\\u202ec"],
        ["plain text stays", "web-767d6f4df8-2gcxs ✓ é", "web-767d6f4df8-2gcxs ✓ é"],
    ];
    for (const [name, input, expected] of rows) it(name, () => assert.equal(printable(input), expected));

    it("printableDeep escapes every string of a value, keys included, and leaves the rest", () => {
        assert.deepEqual(printableDeep({ "k\u001b": ["a\n", 3, null, { b: "\u0007" }], n: 1 }), {
            "k\\x1b": ["a\\n", 3, null, { b: "\\x07" }],
            n: 1,
        });
    });

    it("serverText: one line, blanks collapsed, escaped, cut at MAX_SERVER_TEXT", () => {
        assert.equal(serverText("  boom\n\n\u001b[2J  forged\r\nline  "), "boom \\x1b[2J forged line");
        const long = serverText("x".repeat(MAX_SERVER_TEXT + 50));
        assert.equal(long, `${"x".repeat(MAX_SERVER_TEXT)}...`);
        assert.equal(serverText("x".repeat(MAX_SERVER_TEXT)), "x".repeat(MAX_SERVER_TEXT));
        assert.equal(serverText(` ${"x".repeat(MAX_SERVER_TEXT)}\n`), "x".repeat(MAX_SERVER_TEXT));
    });
});

describe("jsonText: JSON with no raw control character, read back the same", () => {
    it("C1, DEL, separators and bidi overrides become \\u escapes; JSON.parse gives the value back", () => {
        const value = { name: "a\u009b2J\u007f\u2028\u202e\u001b", n: [1, "é"] };
        const text = jsonText(value);
        assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028-\u202e]/);
        assert.ok(text.includes("\\u009b2J\\u007f\\u2028\\u202e\\u001b"), text);
        assert.deepEqual(JSON.parse(text), value);
    });
});
