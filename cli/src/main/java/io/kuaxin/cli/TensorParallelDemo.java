package io.kuaxin.cli;

import io.kuaxin.Device;
import io.kuaxin.Kuaxin;
import io.kuaxin.OpContext;
import io.kuaxin.Ops;
import io.kuaxin.collectives.Communicator;
import io.kuaxin.collectives.ReduceOp;
import io.kuaxin.collectives.mpi.Mpi;
import io.kuaxin.collectives.mpi.MpiCollectives;
import io.kuaxin.collectives.nccl.NcclCollectives;
import io.kuaxin.models.decoder.DecoderConfig;
import io.kuaxin.models.decoder.DecoderWeights;
import io.kuaxin.models.decoder.TensorParallelDecoder;
import io.kuaxin.models.decoder.TinyDecoder;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code kuaxin demo --decoder --tensor-parallel DEVICES}: the small decoder split over several devices (attention
 * heads and MLP units), all-reduced by a collective library, checked against the same decoder on one device.
 * {@code DEVICES} is a list such as {@code cuda:0,cuda:1} (one process, the vendor's collective library; with
 * {@code --emulate cuda --fallback warn} on a machine without GPUs), or {@code mpi}: one rank per process on its CPU,
 * all-reduced over MPI ({@code mpirun -np 2 ./kuaxin demo --decoder --tensor-parallel mpi}).
 */
record TensorParallelDemo(CommandLine cmd, DeviceOptions device, int tokens, String devices) {
    private static final int PROMPT = 32;

    int run() {
        DecoderDemoInput in = DecoderDemoInput.prepare(cmd, device, PROMPT, tokens);
        DecoderConfig c = in.config();
        DecoderWeights w = in.weights();
        long[] prompt = in.prompt();
        PrintWriter out = cmd.getOut();
        OpContext ops = Ops.withFallback(device.fallback);
        try (Kuaxin kx = Kuaxin.open(device.options())) {
            Device cpu = kx.device("cpu");
            float[][] want = single(cpu, w, ops, prompt);
            List<Communicator> comms;
            boolean mpi = devices.equalsIgnoreCase("mpi");
            if (mpi) {
                comms = List.of(MpiCollectives.world(cpu, Duration.ofMinutes(2)));
            } else {
                List<Device> devs = new ArrayList<>();
                for (String s : devices.split(",")) devs.add(kx.device(s.trim()));
                comms = NcclCollectives.initAll(devs, Duration.ofMinutes(2));
            }
            int parts = comms.getFirst().size();
            float[][][] got = new float[comms.size()][][];
            long[] nanos = new long[1];
            List<CompletableFuture<?>> fs = new ArrayList<>();
            for (int i = 0; i < comms.size(); i++) {
                Communicator cm = comms.get(i);
                int slot = i;
                fs.add(CompletableFuture.runAsync(() -> {
                    Device d = cm.device();
                    try (TensorParallelDecoder dec = new TensorParallelDecoder(d, w, ops, cm.rank(), parts,
                            t -> cm.allReduce(t, t, ReduceOp.SUM, d.defaultStream()))) {
                        long t0 = System.nanoTime();
                        float[][] o = new float[tokens + 1][];
                        o[0] = dec.step(prompt);
                        for (int k = 1; k <= tokens; k++) o[k] = dec.step(new long[] {DecoderDemoInput.argmax(want[k - 1])});
                        if (slot == 0) nanos[0] = System.nanoTime() - t0;
                        got[slot] = o;
                    }
                }, task -> Thread.ofPlatform().start(task)));
            }
            CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).join();
            double worst = 0;
            for (int k = 0; k <= tokens; k++) {
                for (int j = 0; j < want[k].length; j++) {
                    worst = Math.max(worst, Math.abs(got[0][k][j] - want[k][j]) / Math.max(1, Math.abs(want[k][j])));
                }
            }
            int rank = comms.getFirst().rank();
            if (rank == 0) {
                out.println();
                out.println("Decoder    " + c.layers() + " layers, d_model " + c.dModel() + ", " + c.heads()
                        + " query / " + c.kvHeads() + " KV heads, FFN " + c.ffn() + " (synthetic weights)");
                out.println("Split      " + parts + " ranks, each " + c.heads() / parts + " query / "
                        + c.kvHeads() / parts + " KV heads and " + c.ffn() / parts + " FFN units; 2 all-reduces "
                        + "per layer over " + comms.getFirst().library()
                        + (mpi ? " (" + Mpi.get().describe() + ")" : " on " + devices));
                out.printf("Time       prefill %d + decode %d tokens in %.1f ms%n", PROMPT, tokens, nanos[0] / 1e6);
                out.printf("Check      max |logit - single cpu:0 run| / max(1, |logit|) = %.2e over %d steps "
                        + "(TCK fp32 tolerance 1e-4): %s%n", worst, tokens + 1, worst <= 1e-4 ? "PASS" : "FAIL");
                out.flush();
            }
            for (Communicator cm : comms) cm.close();
            return worst <= 1e-4 ? 0 : 1;
        }
    }

    private float[][] single(Device d, DecoderWeights w, OpContext ops, long[] prompt) {
        float[][] o = new float[tokens + 1][];
        try (TinyDecoder dec = new TinyDecoder(d, w, ops)) {
            o[0] = dec.step(prompt);
            for (int k = 1; k <= tokens; k++) o[k] = dec.step(new long[] {DecoderDemoInput.argmax(o[k - 1])});
        }
        return o;
    }
}
