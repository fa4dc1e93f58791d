//===- TemplateFamily.cpp - the table of template families ----------------===//
#include "TemplateFamily.h"

#include "mlpjit/sm80/launch.h"
#include "mlpjit/sm90/launch.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlpjit;

static const TemplateFamily kFamilies[] = {
    {"sm90_tma_ws", "mlpjit/sm90/gemm_tma_ws.cuh", "mlpjit::sm90::GemmTmaWs",
     90, /*needsArchSpecific=*/true, /*usesTensorMaps=*/true,
     /*waitsForPrimary=*/true, /*pingPong=*/false, &sm90::supports,
     &sm90::launchShape, &sm90::storesWithTma},
    {"sm90_tma_ws_pingpong", "mlpjit/sm90/gemm_tma_ws.cuh",
     "mlpjit::sm90::GemmTmaWsPingPong", 90, /*needsArchSpecific=*/true,
     /*usesTensorMaps=*/true, /*waitsForPrimary=*/true, /*pingPong=*/true,
     &sm90::supports, &sm90::launchShape, &sm90::storesWithTma},
    {"sm80_mma", "mlpjit/sm80/gemm_mma.cuh", "mlpjit::sm80::GemmMma", 80,
     /*needsArchSpecific=*/false, /*usesTensorMaps=*/false,
     /*waitsForPrimary=*/false, /*pingPong=*/false, &sm80::supports,
     &sm80::launchShape, /*storesWithTma=*/nullptr},
};

llvm::ArrayRef<TemplateFamily> mlpjit::templateFamilies() { return kFamilies; }

const TemplateFamily *mlpjit::findTemplateFamily(llvm::StringRef name) {
  for (const TemplateFamily &family : kFamilies)
    if (family.name == name)
      return &family;
  return nullptr;
}

std::string mlpjit::templateFamilyNames() {
  return llvm::join(
      llvm::map_range(kFamilies,
                      [](const TemplateFamily &f) { return f.name; }),
      ", ");
}

llvm::Error TemplateFamily::checkArch(const Arch &arch) const {
  auto fail = [](const llvm::Twine &why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), why);
  };
  if (arch.sm < minSm)
    return fail(llvm::formatv("the template needs sm_{0} or newer", minSm));
  if (needsArchSpecific && !(arch.sm == minSm && arch.specific))
    return fail(llvm::formatv("the template needs the arch-specific target "
                              "sm_{0}a",
                              minSm));
  return llvm::Error::success();
}

GemmConfig mlpjit::toGemmConfig(const KernelDesc &d) {
  const TemplateFamily *family = findTemplateFamily(d.templateName);
  // In GemmConfig's member order; 16-bit elements (bf16 and f16).
  return GemmConfig{int(d.tileM),
                    int(d.tileN),
                    int(d.tileK),
                    int(d.stages),
                    int(d.clusterM),
                    int(d.clusterN),
                    int(d.splitK),
                    d.swapAB,
                    isGated(d.epilogue),
                    d.hasBias,
                    /*elementBytes=*/2,
                    d.n,
                    d.k,
                    isGated(d.epilogue) ? int(d.interleaveRows) : 0,
                    /*tmaStore=*/true,
                    /*pingPong=*/family && family->pingPong};
}

llvm::Error mlpjit::checkSupported(const KernelDesc &desc) {
  const TemplateFamily *family = findTemplateFamily(desc.templateName);
  if (!family)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "unknown template '" + desc.templateName +
                                       "' (known: " + templateFamilyNames() +
                                       ")");
  if (const char *why = family->supports(toGemmConfig(desc)))
    return llvm::createStringError(llvm::inconvertibleErrorCode(), why);
  return llvm::Error::success();
}
