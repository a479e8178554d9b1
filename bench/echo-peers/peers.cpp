// Echo canceller peers for the echo lab (bench/echo.bench.mjs; issue 13): runs one of Debian's
// echo cancellers over a mic and a reference file in 10 ms callbacks, reference and mic in step
// (the reference block is what the speaker plays in the same callback as the mic block), and
// writes the output. Bench harness only, never a runtime dependency.
//
//   peers <peer> <rateHz> <mic.f32> <reference.f32> <out.f32> [--filter-ms N] [--delay-ms N]
//
// peers:
//   speex        speex_echo_cancellation (MDF, two-filter mode as shipped) + speex_preprocess_run
//                with the echo state (residual echo suppression; its defaults: denoise on,
//                echo suppress -40 dB, -15 dB while the near end is active)      libspeexdsp-dev
//   speex-mdf    the MDF canceller alone (the linear stage)
//   webrtc       webrtc-audio-processing 0.3 AudioProcessing, echo_cancellation on, high
//                suppression, drift compensation off, told the delay (set_stream_delay_ms)
//                                                          libwebrtc-audio-processing-dev
//   webrtc-da    the same with delay-agnostic mode and the extended filter
// Files are raw float32 little-endian mono. speex takes int16 (x 32768, rounded, clamped).
// Prints one JSON line: samples, seconds of audio, processing seconds (the callbacks only).
#include <speex/speex_echo.h>
#include <speex/speex_preprocess.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "apm-run.h"
#include "f32-file.h"

static short toS16(float x) {
  float v = std::round(x * 32768.0f);
  if (v > 32767.0f) v = 32767.0f;
  if (v < -32768.0f) v = -32768.0f;
  return static_cast<short>(v);
}

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: peers speex|speex-mdf|webrtc|webrtc-da rateHz mic.f32 ref.f32 out.f32 [--filter-ms N] [--delay-ms N]\n");
    return 2;
  }
  const std::string peer = argv[1];
  const int rate = std::atoi(argv[2]);
  std::vector<float> mic = readF32(argv[3]);
  std::vector<float> ref = readF32(argv[4]);
  int filterMs = 500;
  int delayMs = 0;
  for (int i = 6; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--filter-ms")) filterMs = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--delay-ms")) delayMs = std::atoi(argv[i + 1]);
  }
  const int frame = rate / 100;
  const size_t frames = mic.size() / frame;
  ref.resize(mic.size(), 0.0f);
  std::vector<float> out(frames * frame, 0.0f);
  double seconds = 0;

  if (peer == "speex" || peer == "speex-mdf") {
    SpeexEchoState* echo = speex_echo_state_init(frame, filterMs * rate / 1000);
    int r = rate;
    speex_echo_ctl(echo, SPEEX_ECHO_SET_SAMPLING_RATE, &r);
    SpeexPreprocessState* pre = nullptr;
    if (peer == "speex") {
      pre = speex_preprocess_state_init(frame, rate);
      speex_preprocess_ctl(pre, SPEEX_PREPROCESS_SET_ECHO_STATE, echo);
    }
    std::vector<short> m(frame), p(frame), o(frame);
    std::vector<short> micS(mic.size()), refS(mic.size());
    for (size_t i = 0; i < mic.size(); i++) {
      micS[i] = toS16(mic[i]);
      refS[i] = toS16(ref[i]);
    }
    std::vector<short> outS(out.size());
    auto t0 = std::chrono::steady_clock::now();
    for (size_t k = 0; k < frames; k++) {
      speex_echo_cancellation(echo, &micS[k * frame], &refS[k * frame], &outS[k * frame]);
      if (pre) speex_preprocess_run(pre, &outS[k * frame]);
    }
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    for (size_t i = 0; i < out.size(); i++) out[i] = outS[i] / 32768.0f;
    if (pre) speex_preprocess_state_destroy(pre);
    speex_echo_state_destroy(echo);
  } else if (peer == "webrtc" || peer == "webrtc-da") {
    webrtc::Config config;
    if (peer == "webrtc-da") {
      config.Set<webrtc::ExtendedFilter>(new webrtc::ExtendedFilter(true));
      config.Set<webrtc::DelayAgnostic>(new webrtc::DelayAgnostic(true));
    }
    webrtc::AudioProcessing* apm = webrtc::AudioProcessing::Create(config);
    apm->echo_cancellation()->enable_drift_compensation(false);
    apm->echo_cancellation()->set_suppression_level(webrtc::EchoCancellation::kHighSuppression);
    apm->echo_cancellation()->Enable(true);
    seconds = runApm(apm, rate, ref, mic, out, delayMs, false);
    delete apm;
  } else {
    std::fprintf(stderr, "unknown peer %s\n", peer.c_str());
    return 2;
  }

  writeF32(argv[5], out);
  std::printf("{\"peer\":\"%s\",\"rate\":%d,\"samples\":%zu,\"audioSeconds\":%.6f,\"processSeconds\":%.6f,\"filterMs\":%d,\"delayMs\":%d}\n", peer.c_str(), rate,
              out.size(), static_cast<double>(out.size()) / rate, seconds, filterMs, delayMs);
  return 0;
}
