# One image for every role: the coordinator (`deno task serve`) and workers (`deno task worker`).
FROM denoland/deno:2.9.6
WORKDIR /app
COPY . .
RUN deno install --frozen && deno cache coordinator/main.ts worker/main.ts
EXPOSE 8000
ENTRYPOINT ["deno", "task"]
CMD ["serve"]
