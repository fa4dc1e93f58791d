//===- MlpDialect.cpp - the mlp dialect -----------------------------------===//
#include "mlpjit/Dialect/Mlp/MlpDialect.h"
#include "mlpjit/Dialect/Mlp/MlpOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlpjit::mlp;

#include "mlpjit/Dialect/Mlp/MlpOpsDialect.cpp.inc"

#include "mlpjit/Dialect/Mlp/MlpEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "mlpjit/Dialect/Mlp/MlpAttrs.cpp.inc"

void MlpDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "mlpjit/Dialect/Mlp/MlpOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "mlpjit/Dialect/Mlp/MlpAttrs.cpp.inc"
      >();
}

LogicalResult
KernelPlanAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                       StringRef templateName, int64_t mMin, int64_t mMax,
                       int64_t tileM, int64_t tileN, int64_t tileK,
                       int64_t stages, int64_t clusterM, int64_t clusterN,
                       int64_t splitK, bool swapAB) {
  if (templateName.empty())
    return emitError() << "kernel plan needs a template name";
  if (mMin < 1 || mMax < mMin)
    return emitError() << "kernel plan token range [" << mMin << ", " << mMax
                       << "] is empty or starts below 1";
  for (int64_t t : {tileM, tileN, tileK})
    if (t <= 0 || t % 8 != 0)
      return emitError() << "kernel plan tile sizes must be positive multiples "
                            "of 8, got "
                         << t;
  if (stages < 1 || clusterM < 1 || clusterN < 1 || splitK < 0)
    return emitError() << "kernel plan stages and cluster must be >= 1, "
                          "split_k >= 0 (0: stream-K)";
  return success();
}
