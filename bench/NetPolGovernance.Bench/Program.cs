// Benchmark entry point. `--smoke` runs every benchmark at a tiny size to prove it works (CI does this).
Console.WriteLine(args.Contains("--smoke") ? "smoke: no benchmarks registered yet" : "no benchmarks registered yet");
return 0;
