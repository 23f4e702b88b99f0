/** Kuaxin's CUDA-family device kernels: the CUDA C sources and the NVIDIA fatbin built from them. */
module io.kuaxin.cuda.kernels {
    exports io.kuaxin.cuda.kernels;
}
