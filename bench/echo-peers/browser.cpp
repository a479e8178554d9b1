// The browser's own capture processing as the echo lab's stage before ours (issue 13: ours runs on
// what the browser's canceller leaves): webrtc-audio-processing 0.3 (Debian's
// libwebrtc-audio-processing-dev, the engine Chromium's canceller descends from) with what
// getUserMedia's echoCancellation, noiseSuppression and autoGainControl turn on: the high-pass
// filter, the echo canceller (high suppression, told the delay as Chromium tells it the device
// latency), noise suppression (high), and the gain control (adaptive digital: the library applies
// the gain itself, as no OS mic volume exists here; target -3 dBFS, 9 dB compression, limiter on:
// its defaults). 10 ms callbacks, reference and mic in step (apm-run.h, as bench/echo-peers/peers.cpp
// drives the lab's webrtc peers). Bench and fixture tool only, never a runtime dependency.
//
//   browser <rateHz> <mic.f32> <reference.f32> <out.f32> [--delay-ms N] [--no-agc] [--no-hpf] [--no-aec] [--no-ns]
//
// --no-agc: the same without the gain control (what the gain stage received; the echo lab takes
// the gain as the ratio of the two runs). --no-hpf, --no-aec, --no-ns: each stage off (to see what
// each does to the user's waveform). Files are raw float32 little-endian mono. Prints one
// JSON line.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "apm-run.h"
#include "f32-file.h"

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: browser rateHz mic.f32 ref.f32 out.f32 [--delay-ms N] [--no-agc] [--no-hpf] [--no-aec] [--no-ns]\n");
    return 2;
  }
  const int rate = std::atoi(argv[1]);
  std::vector<float> mic = readF32(argv[2]);
  std::vector<float> ref = readF32(argv[3]);
  int delayMs = 0;
  bool agc = true;
  bool hpf = true;
  bool aec = true;
  bool ns = true;
  for (int i = 5; i < argc; i++) {
    if (!std::strcmp(argv[i], "--delay-ms") && i + 1 < argc) delayMs = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--no-agc")) agc = false;
    else if (!std::strcmp(argv[i], "--no-hpf")) hpf = false;
    else if (!std::strcmp(argv[i], "--no-aec")) aec = false;
    else if (!std::strcmp(argv[i], "--no-ns")) ns = false;
  }
  const int frame = rate / 100;
  const size_t frames = mic.size() / frame;
  ref.resize(mic.size(), 0.0f);
  std::vector<float> out(frames * frame, 0.0f);

  webrtc::Config config;
  webrtc::AudioProcessing* apm = webrtc::AudioProcessing::Create(config);
  apmCheck(apm->high_pass_filter()->Enable(hpf), "high_pass_filter");
  apmCheck(apm->echo_cancellation()->enable_drift_compensation(false), "drift compensation");
  apmCheck(apm->echo_cancellation()->set_suppression_level(webrtc::EchoCancellation::kHighSuppression), "suppression level");
  apmCheck(apm->echo_cancellation()->Enable(aec), "echo_cancellation");
  apmCheck(apm->noise_suppression()->set_level(webrtc::NoiseSuppression::kHigh), "ns level");
  apmCheck(apm->noise_suppression()->Enable(ns), "noise_suppression");
  if (agc) {
    apmCheck(apm->gain_control()->set_mode(webrtc::GainControl::kAdaptiveDigital), "agc mode");
    apmCheck(apm->gain_control()->Enable(true), "gain_control");
  }
  const double seconds = runApm(apm, rate, ref, mic, out, delayMs, agc);
  delete apm;
  writeF32(argv[4], out);
  std::printf("{\"rate\":%d,\"samples\":%zu,\"processSeconds\":%.6f,\"delayMs\":%d,\"agc\":%s}\n", rate, out.size(), seconds, delayMs, agc ? "true" : "false");
  return 0;
}
