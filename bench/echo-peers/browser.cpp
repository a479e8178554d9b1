// The browser's own capture processing as the echo lab's stage before ours (issue 13: ours runs on
// what the browser's canceller leaves): webrtc-audio-processing 0.3 (Debian's
// libwebrtc-audio-processing-dev, the engine Chromium's canceller descends from) with what
// getUserMedia's echoCancellation, noiseSuppression and autoGainControl turn on: the high-pass
// filter, the echo canceller (high suppression, told the delay as Chromium tells it the device
// latency), noise suppression (high), and the gain control (adaptive digital: the library applies
// the gain itself, as no OS mic volume exists here; target -3 dBFS, 9 dB compression, limiter on:
// its defaults). 10 ms callbacks, reference and mic in step, as bench/echo-peers/peers.cpp drives
// the lab's peers. Bench and fixture tool only, never a runtime dependency.
//
//   browser <rateHz> <mic.f32> <reference.f32> <out.f32> [--delay-ms N] [--no-agc] [--no-hpf] [--no-aec] [--no-ns]
//
// --no-agc: the same without the gain control (what the gain stage received; the echo lab takes
// the gain as the ratio of the two runs). --no-hpf, --no-aec, --no-ns: each stage off (to see what
// each does to the user's waveform). Files are raw float32 little-endian mono. Prints one
// JSON line.
#include <webrtc/modules/audio_processing/include/audio_processing.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "f32-file.h"

static void check(int err, const char* what) {
  if (err != 0) {
    std::fprintf(stderr, "%s failed: %d\n", what, err);
    std::exit(3);
  }
}

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
  check(apm->high_pass_filter()->Enable(hpf), "high_pass_filter");
  check(apm->echo_cancellation()->enable_drift_compensation(false), "drift compensation");
  check(apm->echo_cancellation()->set_suppression_level(webrtc::EchoCancellation::kHighSuppression), "suppression level");
  check(apm->echo_cancellation()->Enable(aec), "echo_cancellation");
  check(apm->noise_suppression()->set_level(webrtc::NoiseSuppression::kHigh), "ns level");
  check(apm->noise_suppression()->Enable(ns), "noise_suppression");
  if (agc) {
    check(apm->gain_control()->set_mode(webrtc::GainControl::kAdaptiveDigital), "agc mode");
    check(apm->gain_control()->Enable(true), "gain_control");
  }
  webrtc::StreamConfig stream(rate, 1);
  std::vector<float> r(frame), m(frame), o(frame);
  auto t0 = std::chrono::steady_clock::now();
  for (size_t k = 0; k < frames; k++) {
    std::memcpy(r.data(), &ref[k * frame], frame * sizeof(float));
    std::memcpy(m.data(), &mic[k * frame], frame * sizeof(float));
    float* rp = r.data();
    float* mp = m.data();
    float* op = o.data();
    check(apm->ProcessReverseStream(&rp, stream, stream, &rp), "ProcessReverseStream");
    apm->set_stream_delay_ms(delayMs);
    if (agc) apm->gain_control()->set_stream_analog_level(127);
    check(apm->ProcessStream(&mp, stream, stream, &op), "ProcessStream");
    std::memcpy(&out[k * frame], o.data(), frame * sizeof(float));
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  delete apm;
  FILE* f = std::fopen(argv[4], "wb");
  if (!f) {
    std::fprintf(stderr, "cannot write %s\n", argv[4]);
    return 2;
  }
  std::fwrite(out.data(), sizeof(float), out.size(), f);
  std::fclose(f);
  std::printf("{\"rate\":%d,\"samples\":%zu,\"processSeconds\":%.6f,\"delayMs\":%d,\"agc\":%s}\n", rate, out.size(), seconds, delayMs, agc ? "true" : "false");
  return 0;
}
