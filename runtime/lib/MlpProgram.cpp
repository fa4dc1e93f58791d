//===- MlpProgram.cpp - kernels that share a name -------------------------===//
#include "mlpjit/MlpProgram.h"

#include "llvm/ADT/StringMap.h"

using namespace mlpjit;

std::vector<size_t> MlpProgram::firstOfEachName() const {
  std::vector<size_t> out;
  out.reserve(kernels.size());
  llvm::StringMap<size_t> first;
  for (size_t i = 0; i < kernels.size(); ++i)
    out.push_back(first.try_emplace(kernels[i].desc.name, i).first->second);
  return out;
}
