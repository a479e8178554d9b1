// Reads a raw little-endian float32 file (the benches' scene files) whole, and writes one; exits 2
// if it cannot. Shared by the peers' harnesses (peers.cpp, browser.cpp), bench only.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <vector>

static std::vector<float> readF32(const char* path) {
  std::vector<float> v;
  FILE* f = std::fopen(path, "rb");
  if (!f) {
    std::fprintf(stderr, "cannot open %s\n", path);
    std::exit(2);
  }
  float buf[4096];
  size_t n;
  while ((n = std::fread(buf, sizeof(float), 4096, f)) > 0) v.insert(v.end(), buf, buf + n);
  std::fclose(f);
  return v;
}

static void writeF32(const char* path, const std::vector<float>& v) {
  FILE* f = std::fopen(path, "wb");
  if (!f) {
    std::fprintf(stderr, "cannot write %s\n", path);
    std::exit(2);
  }
  std::fwrite(v.data(), sizeof(float), v.size(), f);
  std::fclose(f);
}
