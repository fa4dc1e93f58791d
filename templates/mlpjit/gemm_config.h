//===- gemm_config.h - compile-time constants of one GEMM kernel ----------===//
//
// The plan's constants in a form both the host (runtime/, to size launches and
// workspaces) and NVRTC (templates, in static_asserts) compile. Each template
// family has a launch.h beside its .cuh that maps a GemmConfig plus the
// run-time token count to an abi::LaunchShape.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_GEMM_CONFIG_H
#define MLPJIT_GEMM_CONFIG_H

#include "mlpjit/kernel_abi.h"

namespace mlpjit {

struct GemmConfig {
  int tileM, tileN, tileK; // tileM runs over tokens, tileN over weight rows
  int stages;
  int clusterM, clusterN;
  int splitK; // K splits per tile; 0 = stream-K (tile_schedule.h)
  bool swapAB; // weights on the MMA's M side (small token counts)
  bool gated;  // B rows hold gate/up interleaved in blocks of gateUpBlock; D
               // is N/2 wide
  bool hasBias;
  int elementBytes; // 2 for bf16 and fp16
  long long n, k;
  int gateUpBlock; // rows per gate/up block (8, 16, 32 or 64); 0 if not gated
  // The epilogue may stage the output tile in shared memory and store it
  // with TMA (sm90, where sm90::storesWithTma allows); the runtime always
  // asks for it, the template harness turns it off to compare.
  bool tmaStore;
  // sm90: two consumer warpgroups take alternate tiles of 64 token rows
  // (ping-pong), so one's epilogue runs while the other's k-loop keeps the
  // tensor cores busy, instead of sharing each tile's rows (cooperative).
  bool pingPong;
};

} // namespace mlpjit

#endif // MLPJIT_GEMM_CONFIG_H
