/** Local charts the local stack names (stacks/Pulumi.local.yaml), made by the testbed. */
import * as fs from "node:fs";
import * as path from "node:path";
import { CACHE, SHARED } from "./env";

export const FORMANCE_CRD = "formance-operator-v3.9.2-settings.formance.com.yaml";

/** The Formance operator's Settings CRD as a local chart (the operator's `operator-crds` chart is on a registry
 *  this machine cannot reach); the upstream CRD comes from ../shared/schemas. */
export function formanceCrdChart(): void {
    const chart = path.join(CACHE, "charts", "formance-operator-crds");
    fs.rmSync(chart, { recursive: true, force: true });
    fs.mkdirSync(path.join(chart, "templates"), { recursive: true });
    fs.writeFileSync(
        path.join(chart, "Chart.yaml"),
        "apiVersion: v2\nname: operator-crds\nversion: 3.9.2\ndescription: The Formance operator's Settings CRD, for the loopback testbed\n",
    );
    fs.copyFileSync(path.join(SHARED, "schemas", FORMANCE_CRD), path.join(chart, "templates", "settings-crd.yaml"));
}
