// pod-security-needs-istio-cni over its fixture table (test/policy/rules/pod-security-needs-istio-cni.cases.ts), run
// like the pack's own tables: through the CrossGuard policy object and the offline evaluator.

import { describeTables } from "../../support/policy/table";
import { POD_SECURITY_CASES } from "./pod-security-needs-istio-cni.cases";

describeTables({ "pod-security-needs-istio-cni": POD_SECURITY_CASES });
