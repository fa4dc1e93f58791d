//===- Arch.cpp -----------------------------------------------------------===//
#include "mlpjit/Arch.h"

#include "llvm/ADT/Twine.h"

using namespace mlpjit;

llvm::Expected<Arch> Arch::parse(llvm::StringRef name) {
  llvm::StringRef rest = name;
  Arch arch;
  if (!rest.consume_front("sm_") || rest.consumeInteger(10, arch.sm) ||
      arch.sm < 10 || !(rest.empty() || rest == "a"))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "invalid GPU architecture '" + name +
                                       "' (expected e.g. sm_90a, sm_80)");
  arch.specific = rest == "a";
  return arch;
}

Arch Arch::forDevice(int major, int minor) {
  return Arch{major * 10 + minor, major == 9};
}

std::string Arch::str() const {
  return "sm_" + std::to_string(sm) + (specific ? "a" : "");
}

bool Arch::runsOn(const Arch &device) const {
  return sm != 0 && device.sm != 0 &&
         (specific ? sm == device.sm : sm <= device.sm);
}

bool Arch::cubinRunsOn(const Arch &device) const {
  if (sm == 0 || device.sm == 0)
    return false;
  if (specific)
    return sm == device.sm;
  return sm / 10 == device.sm / 10 && sm <= device.sm;
}
