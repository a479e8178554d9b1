// Runs a webrtc-audio-processing 0.3 AudioProcessing over a mic and a reference in 10 ms callbacks,
// reference and mic in step (the reference block is what the speaker plays in the same callback as
// the mic block), told the delay; `out` gets the processed mic. Returns the seconds spent in the
// callbacks; exits 3 on a failed call. Shared by the peers' harnesses (peers.cpp, browser.cpp),
// bench only.
#pragma once
#include <webrtc/modules/audio_processing/include/audio_processing.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

static void apmCheck(int err, const char* what) {
  if (err != 0) {
    std::fprintf(stderr, "%s failed: %d\n", what, err);
    std::exit(3);
  }
}

// `agc`: the gain control is on (told an analog level of 127 each callback, as no OS mic volume exists here)
static double runApm(webrtc::AudioProcessing* apm, int rate, const std::vector<float>& ref, const std::vector<float>& mic, std::vector<float>& out,
                     int delayMs, bool agc) {
  const int frame = rate / 100;
  const size_t frames = out.size() / frame;
  webrtc::StreamConfig stream(rate, 1);
  std::vector<float> r(frame), m(frame), o(frame);
  auto t0 = std::chrono::steady_clock::now();
  for (size_t k = 0; k < frames; k++) {
    std::memcpy(r.data(), &ref[k * frame], frame * sizeof(float));
    std::memcpy(m.data(), &mic[k * frame], frame * sizeof(float));
    float* rp = r.data();
    float* mp = m.data();
    float* op = o.data();
    apmCheck(apm->ProcessReverseStream(&rp, stream, stream, &rp), "ProcessReverseStream");
    apm->set_stream_delay_ms(delayMs);
    if (agc) apm->gain_control()->set_stream_analog_level(127);
    apmCheck(apm->ProcessStream(&mp, stream, stream, &op), "ProcessStream");
    std::memcpy(&out[k * frame], o.data(), frame * sizeof(float));
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
