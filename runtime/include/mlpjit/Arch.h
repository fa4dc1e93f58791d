//===- Arch.h - a GPU target such as sm_90a -------------------------------===//
//
// The one parser of target names ("sm_90a", "sm_80") and the one place that
// decides which target a device gets and which kernels run on which device.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_ARCH_H
#define MLPJIT_ARCH_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace mlpjit {

struct Arch {
  int sm = 0;            // compute capability: 90 for sm_90a, 86 for sm_86
  bool specific = false; // the 'a' target (Hopper's wgmma, setmaxnreg)

  /// "sm_90a" / "sm_80"; an error names the text and the expected form.
  static llvm::Expected<Arch> parse(llvm::StringRef name);
  /// The target mlpjit compiles for on a GPU of compute capability
  /// major.minor: the arch-specific one on Hopper (wgmma needs it).
  static Arch forDevice(int major, int minor);

  std::string str() const; // "sm_90a"
  /// Whether kernels compiled for this target run on `device`: an
  /// arch-specific target only on its own compute capability, else on any
  /// device at least as new.
  bool runsOn(const Arch &device) const;
  /// Whether a cubin (SASS) built for this target runs on `device`: same
  /// major version and a minor no newer than the device's; an arch-specific
  /// cubin only on its own compute capability. PTX for this target may
  /// still run where the cubin does not (runsOn).
  bool cubinRunsOn(const Arch &device) const;
};

} // namespace mlpjit

#endif // MLPJIT_ARCH_H
