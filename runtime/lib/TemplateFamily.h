//===- TemplateFamily.h - the kernel template families, one row each ------===//
//
// Everything the host knows about a template family (templates/mlpjit/<dir>):
// its name in plans, the header and class codegen instantiates, the targets
// it needs, which plans it implements and how it is launched (its launch.h).
// Codegen (header, class, arch), launch (supports, launch shape, tensor maps)
// and the tuner's candidate plans look families up here; a new template is
// one row in TemplateFamily.cpp. (The heuristic's bucket table in
// KernelHeuristic.cpp still names its two families by string.) Internal to
// the build (not installed): the runtime's API takes programs, not families.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_RUNTIME_TEMPLATEFAMILY_H
#define MLPJIT_RUNTIME_TEMPLATEFAMILY_H

#include "mlpjit/Arch.h"
#include "mlpjit/KernelDesc.h"
#include "mlpjit/gemm_config.h"
#include "mlpjit/kernel_abi.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace mlpjit {

struct TemplateFamily {
  llvm::StringRef name;      // KernelPlan::templateName, e.g. "sm80_mma"
  llvm::StringRef header;    // e.g. "mlpjit/sm80/gemm_mma.cuh"
  llvm::StringRef className; // e.g. "mlpjit::sm80::GemmMma"
  int minSm;                 // lowest compute capability (80 = sm_80)
  bool needsArchSpecific;    // the 'a' target of minSm (wgmma, setmaxnreg)
  bool usesTensorMaps;       // A and B are passed as TMA descriptors
  /// The kernel waits for the stream's previous grid (griddepcontrol.wait)
  /// before touching memory, so it may launch as a programmatic dependent.
  bool waitsForPrimary;
  /// GemmConfig::pingPong of its plans: the same template with consumer
  /// warpgroups on alternate tiles (sm90_tma_ws_pingpong).
  bool pingPong;
  /// nullptr when the template implements the constants, else why not.
  const char *(*supports)(const GemmConfig &);
  /// Grid, block, cluster and dynamic shared memory for m tokens;
  /// residentCtas: CTAs the device holds at once (0: a guess from numSMs).
  abi::LaunchShape (*launchShape)(const GemmConfig &, int m, int numSMs,
                                  int residentCtas);
  /// Whether the epilogue stores D through a TMA descriptor (tmaD); null
  /// for families that never do.
  bool (*storesWithTma)(const GemmConfig &);

  /// Whether kernels of this family can be built for `arch`: an error
  /// naming the target the family needs.
  llvm::Error checkArch(const Arch &arch) const;
};

/// Every family, newest hardware first.
llvm::ArrayRef<TemplateFamily> templateFamilies();
/// The family called `name`, or null.
const TemplateFamily *findTemplateFamily(llvm::StringRef name);
/// "sm90_tma_ws, sm80_mma": for error messages.
std::string templateFamilyNames();

/// The template constants of `desc` as launch.h and the templates see them.
GemmConfig toGemmConfig(const KernelDesc &desc);

/// Checks that desc's family exists and implements its constants
/// (launch.h's supports()); the message says which rule failed.
llvm::Error checkSupported(const KernelDesc &desc);

} // namespace mlpjit

#endif // MLPJIT_RUNTIME_TEMPLATEFAMILY_H
