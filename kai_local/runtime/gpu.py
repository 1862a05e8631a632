"""The GPU semaphore: a bounded number of engine calls per accelerator at once.

Engines that touch an accelerator take a slot around their work. A request that cannot get a
slot within `wait_timeout_s` gets 503 `gpu_busy` instead of piling up behind the others.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio

from kai_local.errors import ServiceUnavailable


class GpuSemaphore:
    def __init__(self, slots_per_device: int, wait_timeout_s: float) -> None:
        if slots_per_device < 1:
            raise ValueError("slots_per_device must be at least 1")
        self.slots_per_device = slots_per_device
        self.wait_timeout_s = wait_timeout_s
        self._devices: dict[str, anyio.Semaphore] = {}
        # For the metrics, per device: requests waiting now, and slots taken / seconds waited in all.
        self.waiting: dict[str, int] = {}
        self.acquired: dict[str, int] = {}
        self.waited_s: dict[str, float] = {}

    def _semaphore(self, device: str) -> anyio.Semaphore:
        if device not in self._devices:
            self._devices[device] = anyio.Semaphore(self.slots_per_device)
        return self._devices[device]

    def available(self, device: str) -> int:
        return self._semaphore(device).value

    @asynccontextmanager
    async def slot(self, device: str) -> AsyncIterator[None]:
        """Hold one slot of `device` (e.g. "cuda:0") for the body of the `async with`."""
        semaphore = self._semaphore(device)
        began = time.perf_counter()
        self.waiting[device] = self.waiting.get(device, 0) + 1
        try:
            with anyio.move_on_after(self.wait_timeout_s) as scope:
                await semaphore.acquire()
        finally:
            self.waiting[device] -= 1
            self.waited_s[device] = self.waited_s.get(device, 0.0) + time.perf_counter() - began
        if scope.cancelled_caught:
            raise ServiceUnavailable(
                f"All {self.slots_per_device} slot(s) of {device} stayed busy for "
                f"{self.wait_timeout_s:g} s; retry later",
                code="gpu_busy",
                headers={"Retry-After": str(max(1, round(self.wait_timeout_s)))},
            )
        self.acquired[device] = self.acquired.get(device, 0) + 1
        try:
            yield
        finally:
            semaphore.release()
