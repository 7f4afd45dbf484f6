package store

import (
	"context"
	"fmt"

	"go.etcd.io/bbolt"
)

// bucketChannelModes maps a channel ID to the mode an admin set for it.
var bucketChannelModes = []byte("channel_modes")

// SetChannelMode stores the mode of a channel ("help", "mentions", …); "" clears it.
func (b *Bolt) SetChannelMode(ctx context.Context, channel, mode string) error {
	const op = "set channel mode"
	if err := checkNonEmpty(op, "channel ID", channel); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	err := b.db.Update(func(tx *bbolt.Tx) error {
		bucket := tx.Bucket(bucketChannelModes)
		if mode == "" {
			return bucket.Delete([]byte(channel))
		}
		return bucket.Put([]byte(channel), []byte(mode))
	})
	if err != nil {
		return fmt.Errorf("store: %s for %s: %w", op, channel, err)
	}
	return nil
}

// ChannelModes returns every channel's stored mode.
func (b *Bolt) ChannelModes(ctx context.Context) (map[string]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("store: channel modes: %w", err)
	}
	out := map[string]string{}
	err := b.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketChannelModes).ForEach(func(k, v []byte) error {
			out[string(k)] = string(v)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: channel modes: %w", err)
	}
	return out, nil
}

// SetChannelMode stores the mode of a channel; "" clears it.
func (p *Postgres) SetChannelMode(ctx context.Context, channel, mode string) error {
	const op = "set channel mode"
	if err := checkNonEmpty(op, "channel ID", channel); err != nil {
		return err
	}
	var err error
	if mode == "" {
		_, err = p.pool.Exec(ctx, `DELETE FROM channel_modes WHERE channel_id = $1`, channel)
	} else {
		_, err = p.pool.Exec(ctx, `
INSERT INTO channel_modes (channel_id, mode, updated_at) VALUES ($1, $2, now())
ON CONFLICT (channel_id) DO UPDATE SET mode = EXCLUDED.mode, updated_at = EXCLUDED.updated_at`, channel, mode)
	}
	if err != nil {
		return fmt.Errorf("store: %s for %s: %w", op, channel, err)
	}
	return nil
}

// ChannelModes returns every channel's stored mode.
func (p *Postgres) ChannelModes(ctx context.Context) (map[string]string, error) {
	rows, err := p.pool.Query(ctx, `SELECT channel_id, mode FROM channel_modes`)
	if err != nil {
		return nil, fmt.Errorf("store: channel modes: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var c, m string
		if err := rows.Scan(&c, &m); err != nil {
			return nil, fmt.Errorf("store: channel modes: %w", err)
		}
		out[c] = m
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: channel modes: %w", err)
	}
	return out, nil
}
