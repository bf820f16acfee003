"""A pygame window that shows frames (human play and ``render_mode="human"``); imported only when used."""

from __future__ import annotations

import numpy as np


class Window:
    """Shows RGB frames, with a caption line, scaled to fit a reasonable screen size."""

    def __init__(self, title: str) -> None:
        import pygame

        self.pygame = pygame
        pygame.init()
        pygame.display.set_caption(title)
        self.screen = None
        self.font = pygame.font.Font(None, 22)

    def show(self, frame: np.ndarray, caption: str = "") -> None:
        pg = self.pygame
        h, w = frame.shape[:2]
        size = (w, h + 24)
        if self.screen is None or self.screen.get_size() != size:
            self.screen = pg.display.set_mode(size)
        surface = pg.surfarray.make_surface(np.ascontiguousarray(frame.swapaxes(0, 1)))
        self.screen.fill((0, 0, 0))
        self.screen.blit(surface, (0, 24))
        self.screen.blit(self.font.render(caption, True, (230, 230, 230)), (4, 4))
        pg.display.flip()
        pg.event.pump()

    def close(self) -> None:
        self.pygame.display.quit()
