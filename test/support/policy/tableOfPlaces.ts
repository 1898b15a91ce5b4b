// One fixture row per place of docs/POLICY.md and per state: on is silent, off is mandatory, a secret, an
// unknown or a value of the wrong type is "cannot tell" (advisory by default).

import type { PolicyCase } from "./cases";
import { PLACES, STATES, type Place } from "./places";

export function placeCases(unit: Place["unit"]): Record<string, PolicyCase[]> {
    const tables: Record<string, PolicyCase[]> = {};
    for (const place of PLACES.filter((candidate) => candidate.unit === unit)) {
        for (const state of STATES) {
            const resources = place.build(state);
            if (resources.length === 0) continue;
            (tables[place.policy] ??= []).push({
                name: `${place.name}: ${state}`,
                resources,
                expect:
                    state === "on"
                        ? []
                        : state === "off"
                          ? [{ level: "mandatory", match: /\. Fix: / }]
                          : [{ level: "advisory", match: /cannot tell/ }],
            });
        }
    }
    return tables;
}
